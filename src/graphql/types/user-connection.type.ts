import { Field, ObjectType } from 'type-graphql';
import type { UserSearch } from '../../accounts/user-directory';
import { User } from '../../entities';

// simpleResolvers (here and on the other payloads of the hot path): see User.
@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class UserEdge {
  @Field() cursor!: string;
  @Field(() => User) node!: User;
}

@ObjectType({ simpleResolvers: true })
export class UserConnection {
  @Field(() => [UserEdge]) edges!: UserEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  // totalCount is a field resolver (user.resolver.ts): counting runs only when asked for.
  search!: UserSearch;
}
