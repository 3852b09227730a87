/**
 * The single table's physical shape, shared by the CDK stack, the local stack and the tests so the three
 * cannot drift. Item layouts and key formats live in ./keys.ts; only adapters build keys.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items lazily (up to ~48 h late), so code never relies on it. */
  ttlAttribute: 'ttl',
  /** Sparse index of bookings still due: queued, posting, or finished with the SMS still owed; read by the sweeper. */
  pendingIndex: { name: 'pending', partitionKey: 'pendingPk', sortKey: 'pendingSk' },
} as const;
