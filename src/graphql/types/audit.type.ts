import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { AuditEvent } from '../../entities';
import { PageInfo } from './user-connection.type';

@ObjectType()
export class AuditEventEdge {
  @Field() cursor!: string;
  @Field(() => AuditEvent) node!: AuditEvent;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge]) edges!: AuditEventEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ArgsType()
export class AuditEventsArgs {
  @Field(() => Int, { defaultValue: 50, description: '1–100.' }) first!: number;
  @Field(() => String, { nullable: true, description: "The previous page's endCursor." }) after?: string | null;
  @Field(() => Int, { nullable: true, description: 'Rows where this user acted or was acted on.' }) userId?: number | null;
  @Field(() => String, { nullable: true }) action?: string | null;
  @Field(() => Date, { nullable: true }) since?: Date | null;
}
