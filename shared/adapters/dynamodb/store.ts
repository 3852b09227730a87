/** The whole persistence layer on one DynamoDB table, built once per container. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DirectorySnapshotPort, Store } from '../../domain/ports.ts';
import { createAppointmentMirror } from './appointment-mirror.ts';
import { createBookingRepository } from './booking-repository.ts';
import { createCallLog } from './call-log.ts';
import { createCallRepository } from './call-repository.ts';
import { createDocumentClient } from './client.ts';
import { createDirectorySnapshots } from './directory-snapshot.ts';
import { createSlotLock } from './slot-lock.ts';
import { createVoicemailBox } from './voicemail-box.ts';

export interface DynamoStore extends Store {
  tableName: string;
  documentClient: DynamoDBDocumentClient;
  /** The shared Calendly directory snapshot (not part of Store: only the directory and the sweeper use it). */
  directory: DirectorySnapshotPort;
}

/** Repositories over the application table; pass a client to share one, or let it build its own. */
export function createDynamoStore(options: {
  tableName: string;
  documentClient?: DynamoDBDocumentClient;
}): DynamoStore {
  const db = options.documentClient ?? createDocumentClient();
  return {
    tableName: options.tableName,
    documentClient: db,
    calls: createCallRepository(db, options.tableName),
    slots: createSlotLock(db, options.tableName),
    bookings: createBookingRepository(db, options.tableName),
    appointments: createAppointmentMirror(db, options.tableName),
    callLog: createCallLog(db, options.tableName),
    voicemails: createVoicemailBox(db, options.tableName),
    directory: createDirectorySnapshots(db, options.tableName),
  };
}
