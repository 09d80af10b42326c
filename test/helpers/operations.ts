// The GraphQL documents tests send, kept in one place.
export const AUTH_FIELDS = `token refreshToken refreshExpiresIn payload { sub username iat exp origIat } user { id username email }`;

export const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
export const LOGIN = `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { ${AUTH_FIELDS} } }`;
export const REFRESH = `mutation($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { ${AUTH_FIELDS} } }`;
export const VERIFY = `mutation($token: String!) { verifyToken(token: $token) { token payload { sub username iat exp origIat } } }`;
export const REVOKE = `mutation($refreshToken: String!) { revokeToken(refreshToken: $refreshToken) }`;
export const ME = `{ me { id username email } }`;
export const USERS = `query($first: Int, $after: String, $search: String) {
  users(first: $first, after: $after, search: $search) {
    totalCount
    edges { cursor node { id username email } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
