import { ArgsType, Field, Int } from 'type-graphql';
import { MAX_PAGE_SIZE } from '../../accounts/user-directory';

export { MAX_PAGE_SIZE };

@ArgsType()
export class UsersArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'An endCursor from a previous page.' })
  after?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive prefix of username, first or last name; of email too when the viewer is staff.' })
  search?: string | null;
}
