/** The booking worker's input: SQS records whose body names one booking (shared/domain/bookings.ts). */
export { type BookingMessage, BookingMessageSchema } from '../../shared/domain/bookings.ts';
