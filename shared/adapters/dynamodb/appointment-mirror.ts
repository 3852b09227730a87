/**
 * The phone mirror (AppointmentMirror): upcoming appointments under the number they are tied to, one item
 * each, sorted by start, so "this caller's upcoming appointments" is one Query from now on. Written with
 * our bookings (in the transactions that book and cancel them) and from Calendly's webhook.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AppointmentMirror } from '../../domain/ports.ts';
import { toAppointment } from './items.ts';
import { phonePartition } from './keys.ts';
import { createTransitions } from './transitions.ts';

export function createAppointmentMirror(db: DynamoDBDocumentClient, tableName: string): AppointmentMirror {
  const to = createTransitions(tableName);
  return {
    async record(phone, appointment) {
      await db.send(new UpdateCommand(to.appointment.record(phone, appointment).Update));
    },

    async forget(phone, appointment) {
      await db.send(new DeleteCommand(to.appointment.forget(phone, appointment).Delete));
    },

    async upcoming(phone, now, limit) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk > :now',
          ExpressionAttributeValues: { ':pk': phonePartition(phone), ':now': now.toISOString() },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return (Items ?? []).map(toAppointment);
    },
  };
}
