import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.ts';
import type { StageConfig } from '../stages.ts';

/**
 * Item-level actions a function may be granted. TransactWriteItems/TransactGetItems have no IAM action of
 * their own: each item in a transaction is authorised by its Put/Update/Delete/ConditionCheck/Get action.
 * Scan and the Batch* actions are deliberately not on the list.
 */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

export interface TableAccess {
  readonly items?: readonly ItemAction[];
  /** Where the function may Query: the base table and/or the sparse `pending` index. */
  readonly query?: readonly ('table' | 'pendingIndex')[];
}

export interface BookingTableProps {
  readonly stage: StageConfig;
}

/** The single table of TABLE_SCHEMA: on demand, TTL, point-in-time recovery, the `pending` index. */
export class BookingTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: BookingTableProps) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute, pendingIndex } = TABLE_SCHEMA;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.stage.tableDeletionProtection,
      removalPolicy: props.stage.removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: pendingIndex.name,
      partitionKey: { name: pendingIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: pendingIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }

  /** ARN of the `pending` index; named exactly, so no `index/*` wildcard is needed. */
  get pendingIndexArn(): string {
    return `${this.table.tableArn}/index/${TABLE_SCHEMA.pendingIndex.name}`;
  }

  /** Grants exactly the listed actions (explicit statements; grantReadWriteData would add Scan and Batch*). */
  grant(grantee: IGrantable, access: TableAccess): void {
    if (access.items?.length) {
      Grant.addToPrincipal({
        grantee,
        actions: access.items.map((action) => `dynamodb:${action}`),
        resourceArns: [this.table.tableArn],
      });
    }
    if (access.query?.length) {
      Grant.addToPrincipal({
        grantee,
        actions: ['dynamodb:Query'],
        resourceArns: access.query.map((target) =>
          target === 'table' ? this.table.tableArn : this.pendingIndexArn,
        ),
      });
    }
  }
}
