/** The booking worker's input: SQS records whose body is a booking id (shared/adapters/booking-queue.ts). */
export { type BookingMessage, BookingMessageSchema } from '../../shared/adapters/booking-queue.ts';
