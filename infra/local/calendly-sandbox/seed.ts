/**
 * The seeded account: "Riverside Dental" with two active event types and one inactive one.
 * Ids are fixed so URIs stay the same across restarts (a `.env` can name an event type); only the host part
 * of a URI follows the sandbox's port.
 */
import type { CustomQuestion, EventTypeRecord, LocationConfig, UserRecord } from './records.ts';

/** Fixed ids of the seeded resources. */
export const SEED_IDS = {
  user: '5b3f0c1e-8a7d-4e2b-9c61-2f4d8e9a1b01',
  organization: '9e4a2d7c-1b3f-4c8e-a5d6-7f0b2c4e6a02',
  consultation: 'c0a1e2f3-4b5c-4d6e-8f70-81a2b3c4d503',
  cleaning: 'c1b2d3e4-5f60-4718-9a2b-3c4d5e6f7a04',
  whitening: 'c2c3e4f5-6071-4829-ab3c-4d5e6f708105',
  /** The host's one availability schedule, used by every event type ("Working hours"). */
  availabilitySchedule: 'a5d6e7f8-0912-4a3b-8c4d-5e6f7a8b9c06',
} as const;

const OFFICE = '14 River Street, Springfield';
const CREATED_AT = Date.parse('2024-03-01T15:00:00Z');

/** The seeded user (host of every event type). */
export function seedUser(baseUrl: string, timezone: string): UserRecord {
  return {
    uuid: SEED_IDS.user,
    uri: `${baseUrl}/users/${SEED_IDS.user}`,
    name: 'Riverside Dental',
    slug: 'riverside-dental',
    email: 'frontdesk@riverside-dental.example',
    schedulingUrl: `${baseUrl}/riverside-dental`,
    timezone,
    organizationUri: `${baseUrl}/organizations/${SEED_IDS.organization}`,
    createdAt: CREATED_AT,
  };
}

interface EventTypeSeed {
  uuid: string;
  name: string;
  slug: string;
  active: boolean;
  duration: number;
  locations: LocationConfig[];
  customQuestions: CustomQuestion[];
  color: string;
  description: string;
}

const question = (
  fields: Pick<CustomQuestion, 'name' | 'type' | 'position' | 'required'> & Partial<CustomQuestion>,
): CustomQuestion => ({ enabled: true, answer_choices: [], include_other: false, ...fields });

const SEEDS: EventTypeSeed[] = [
  {
    uuid: SEED_IDS.consultation,
    name: 'Consultation',
    slug: 'consultation',
    active: true,
    duration: 30,
    // outbound_call: the dentist calls the invitee at the number given as location; or come to the office.
    locations: [{ kind: 'outbound_call' }, { kind: 'physical', location: OFFICE }],
    customQuestions: [
      question({ name: 'Best number to reach you', type: 'phone_number', position: 0, required: false }),
    ],
    color: '#0069ff',
    description: 'A first conversation with a dentist, by phone or at the office.',
  },
  {
    uuid: SEED_IDS.cleaning,
    name: 'Cleaning',
    slug: 'cleaning',
    active: true,
    duration: 60,
    locations: [{ kind: 'physical', location: OFFICE, additional_info: 'Ring the bell at the side door.' }],
    customQuestions: [
      question({
        name: 'Anything we should know before your visit?',
        type: 'text',
        position: 0,
        required: false,
      }),
    ],
    color: '#17e885',
    description: 'Professional teeth cleaning at the office.',
  },
  {
    uuid: SEED_IDS.whitening,
    name: 'Whitening',
    slug: 'whitening',
    active: false,
    duration: 90,
    locations: [{ kind: 'physical', location: OFFICE }],
    // A required question: POST /invitees must answer it (see invitee-request.ts).
    customQuestions: [
      question({
        name: 'Have you had whitening before?',
        type: 'single_select',
        position: 0,
        required: true,
        answer_choices: ['Yes', 'No'],
      }),
    ],
    color: '#ff4f00',
    description: 'In-office whitening (not offered at the moment).',
  },
];

/** The seeded event types, plus `extra` generic active ones for accounts with many services. */
export function seedEventTypes(baseUrl: string, user: UserRecord, extra = 0): EventTypeRecord[] {
  const extras: EventTypeSeed[] = Array.from({ length: extra }, (_, index) => {
    const number = String(index + 1).padStart(3, '0');
    return {
      uuid: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      name: `Service ${number}`,
      slug: `service-${number}`,
      active: true,
      duration: 30,
      locations: [{ kind: 'physical', location: OFFICE }],
      customQuestions: [],
      color: '#8247f5',
      description: `Generic service ${number}.`,
    };
  });
  return [...SEEDS, ...extras].map((seed, position) => ({
    uuid: seed.uuid,
    uri: `${baseUrl}/event_types/${seed.uuid}`,
    name: seed.name,
    slug: seed.slug,
    active: seed.active,
    duration: seed.duration,
    poolingType: null,
    locations: seed.locations,
    customQuestions: seed.customQuestions,
    color: seed.color,
    position,
    description: seed.description,
    schedulingUrl: `${user.schedulingUrl}/${seed.slug}`,
    createdAt: CREATED_AT,
  }));
}
