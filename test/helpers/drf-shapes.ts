// What djangorestframework-jwt, rest-auth and Django REST framework answer,
// written down from their sources (cited per entry) so the compat tests can
// compare authql's answers key by key. Values that vary (tokens, ids, urls)
// are asymmetric matchers; texts are exact. authql adds one key to every
// error, `code` (and `reason` where the catalogue has one): a test adds it
// with `withCode`.
//
// Sources: djangorestframework-jwt 1.11.0 (jpadilla, rest_framework_jwt/
// views.py, serializers.py, authentication.py, utils.py); django-rest-auth
// 0.9.5 (Tivix, rest_auth/views.py, serializers.py, registration/);
// Django REST framework 3.14 (exceptions.py, fields.py, pagination.py,
// serializers.py as_serializer_error, views.py); Django 3.2
// (contrib/auth/forms.py SetPasswordForm, core/paginator.py).

export interface Expected {
  source: string;
  status: number;
  body: Record<string, unknown>;
}

const anyString = () => expect.any(String);
/** next/previous: a URL, or null on the last/first page. */
const stringOrNull = {
  $$typeof: Symbol.for('jest.asymmetricMatcher'),
  asymmetricMatch: (v: unknown) => v === null || typeof v === 'string',
  toAsymmetricMatcher: () => 'StringOrNull',
};
const jwt = () => expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/);

/** rest-auth's UserDetailsSerializer: ('pk', 'username', 'email', 'first_name', 'last_name'). */
export const USER_DETAILS = { pk: expect.any(Number), username: anyString(), email: anyString(), first_name: anyString(), last_name: anyString() };

const nonField = (message: string) => ({ non_field_errors: [message] });

export const JWT_SHAPES = {
  token: {
    source: 'djangorestframework-jwt 1.11.0 views.py JSONWebTokenAPIView.post + utils.jwt_response_payload_handler',
    status: 200,
    body: { token: jwt() },
  },
  badCredentials: {
    source: 'djangorestframework-jwt 1.11.0 serializers.py JSONWebTokenSerializer.validate (DRF: non_field_errors, 400)',
    status: 400,
    body: nonField('Unable to log in with provided credentials.'),
  },
  missingFields: {
    source: 'DRF 3.14 fields.py Field.default_error_messages["required"] (CharField username, PasswordField password)',
    status: 400,
    body: { username: ['This field is required.'], password: ['This field is required.'] },
  },
  blankUsername: { source: 'DRF 3.14 fields.py CharField.default_error_messages["blank"]', status: 400, body: { username: ['This field may not be blank.'] } },
  missingToken: { source: 'DRF 3.14 fields.py (VerificationBaseSerializer.token = CharField())', status: 400, body: { token: ['This field is required.'] } },
  signatureExpired: {
    source: 'djangorestframework-jwt 1.11.0 serializers.py VerificationBaseSerializer._check_payload (jwt.ExpiredSignature)',
    status: 400,
    body: nonField('Signature has expired.'),
  },
  decodeError: {
    source: 'djangorestframework-jwt 1.11.0 serializers.py VerificationBaseSerializer._check_payload (jwt.DecodeError)',
    status: 400,
    body: nonField('Error decoding signature.'),
  },
  refreshExpired: {
    source: 'djangorestframework-jwt 1.11.0 serializers.py RefreshJSONWebTokenSerializer.validate (now > orig_iat + JWT_REFRESH_EXPIRATION_DELTA)',
    status: 400,
    body: nonField('Refresh has expired.'),
  },
  userDisabled: {
    source: 'djangorestframework-jwt 1.11.0 serializers.py VerificationBaseSerializer._check_user',
    status: 400,
    body: nonField('User account is disabled.'),
  },
} satisfies Record<string, Expected>;

/** JSONWebTokenAuthentication's 401s (authentication.py); WWW-Authenticate is `JWT realm="api"` (authenticate_header). */
export const AUTH_SHAPES = {
  notProvided: { source: 'DRF 3.14 exceptions.py NotAuthenticated', status: 401, body: { detail: 'Authentication credentials were not provided.' } },
  noCredentials: {
    source: 'djangorestframework-jwt 1.11.0 authentication.py get_jwt_value (len(auth) == 1)',
    status: 401,
    body: { detail: 'Invalid Authorization header. No credentials provided.' },
  },
  spaces: {
    source: 'djangorestframework-jwt 1.11.0 authentication.py get_jwt_value (len(auth) > 2)',
    status: 401,
    body: { detail: 'Invalid Authorization header. Credentials string should not contain spaces.' },
  },
  expired: {
    source: 'djangorestframework-jwt 1.11.0 authentication.py authenticate (jwt.ExpiredSignature)',
    status: 401,
    body: { detail: 'Signature has expired.' },
  },
  decodeError: {
    source: 'djangorestframework-jwt 1.11.0 authentication.py authenticate (jwt.DecodeError)',
    status: 401,
    body: { detail: 'Error decoding signature.' },
  },
  incorrect: {
    source: 'DRF 3.14 exceptions.py AuthenticationFailed.default_detail (authql: the token’s user or session no longer holds)',
    status: 401,
    body: { detail: 'Incorrect authentication credentials.' },
  },
} satisfies Record<string, Expected>;

export const REST_AUTH_SHAPES = {
  login: {
    source: 'rest-auth 0.9.5 views.py LoginView.get_response with REST_USE_JWT (serializers.py JWTSerializer)',
    status: 200,
    body: { token: jwt(), user: USER_DETAILS },
  },
  badCredentials: {
    source: 'rest-auth 0.9.5 serializers.py LoginSerializer.validate',
    status: 400,
    body: nonField('Unable to log in with provided credentials.'),
  },
  mustInclude: {
    source: 'rest-auth 0.9.5 serializers.py LoginSerializer._validate_username_email (allauth AUTHENTICATION_METHOD = username_email)',
    status: 400,
    body: nonField('Must include either "username" or "email" and "password".'),
  },
  emailNotVerified: {
    source: 'rest-auth 0.9.5 serializers.py LoginSerializer.validate (allauth EMAIL_VERIFICATION = mandatory)',
    status: 400,
    body: nonField('E-mail is not verified.'),
  },
  logout: { source: 'rest-auth 0.9.5 views.py LogoutView.logout', status: 200, body: { detail: 'Successfully logged out.' } },
  user: { source: 'rest-auth 0.9.5 views.py UserDetailsView (serializers.py UserDetailsSerializer)', status: 200, body: USER_DETAILS },
  usernameRequired: { source: 'DRF 3.14 (ModelSerializer username field, PUT is not partial)', status: 400, body: { username: ['This field is required.'] } },
  passwordChanged: { source: 'rest-auth 0.9.5 views.py PasswordChangeView.post', status: 200, body: { detail: 'New password has been saved.' } },
  passwordMismatch: {
    source: 'Django 3.2 contrib/auth/forms.py SetPasswordForm.error_messages["password_mismatch"] (U+2019)',
    status: 400,
    body: { new_password2: ['The two password fields didn’t match.'] },
  },
  resetSent: { source: 'rest-auth 0.9.5 views.py PasswordResetView.post', status: 200, body: { detail: 'Password reset e-mail has been sent.' } },
  invalidEmail: { source: 'DRF 3.14 fields.py EmailField.default_error_messages["invalid"]', status: 400, body: { email: ['Enter a valid email address.'] } },
  resetDone: {
    source: 'rest-auth 0.9.5 views.py PasswordResetConfirmView.post',
    status: 200,
    body: { detail: 'Password has been reset with the new password.' },
  },
  badUid: { source: 'rest-auth 0.9.5 serializers.py PasswordResetConfirmSerializer.validate', status: 400, body: { uid: ['Invalid value'] } },
  badResetToken: { source: 'rest-auth 0.9.5 serializers.py PasswordResetConfirmSerializer.validate', status: 400, body: { token: ['Invalid value'] } },
  registered: {
    source: 'rest-auth 0.9.5 registration/views.py RegisterView.get_response_data with REST_USE_JWT (201)',
    status: 201,
    body: { token: jwt(), user: USER_DETAILS },
  },
  verificationSent: {
    source: 'rest-auth 0.9.5 registration/views.py RegisterView.get_response_data (ACCOUNT_EMAIL_VERIFICATION = mandatory)',
    status: 201,
    body: { detail: 'Verification e-mail sent.' },
  },
  registrationMismatch: {
    source: 'rest-auth 0.9.5 registration/serializers.py RegisterSerializer.validate (ASCII apostrophe)',
    status: 400,
    body: nonField("The two password fields didn't match."),
  },
  usernameTaken: {
    source: 'allauth 0.51 adapter.clean_username (Django AbstractUser username unique message)',
    status: 400,
    body: { username: ['A user with that username already exists.'] },
  },
  emailVerified: { source: 'rest-auth 0.9.5 registration/views.py VerifyEmailView.post', status: 200, body: { detail: 'ok' } },
  unknownKey: { source: 'allauth ConfirmEmailView.get_object raises Http404 (DRF: NotFound)', status: 404, body: { detail: 'Not found.' } },
  social: {
    source: 'rest-auth 0.9.5 registration/views.py SocialLoginView (LoginView.get_response, REST_USE_JWT)',
    status: 200,
    body: { token: jwt(), user: USER_DETAILS },
  },
  socialNoToken: {
    source: 'rest-auth 0.9.5 registration/serializers.py SocialLoginSerializer.validate',
    status: 400,
    body: nonField('Incorrect input. access_token or code is required.'),
  },
  socialRefused: {
    source: 'rest-auth 0.9.5 registration/serializers.py SocialLoginSerializer.validate (HTTPError from the provider)',
    status: 400,
    body: nonField('Incorrect value'),
  },
} satisfies Record<string, Expected>;

const userRow = {
  url: expect.stringMatching(/^http:\/\/[^/]+\/(.+\/)?users\/\d+\/$/),
  username: anyString(),
  email: expect.any(String),
  is_staff: expect.any(Boolean),
};

export const DRF_SHAPES = {
  /** PageNumberPagination.get_paginated_response; the row is the README's HyperlinkedModelSerializer(url, username, email, is_staff). */
  page: {
    source: 'DRF 3.14 pagination.py PageNumberPagination.get_paginated_response; README UserSerializer',
    status: 200,
    body: { count: expect.any(Number), next: stringOrNull, previous: stringOrNull, results: expect.any(Array) },
  },
  userRow: { source: 'DRF 3.14 README UserSerializer (HyperlinkedModelSerializer)', status: 200, body: userRow },
  root: { source: 'DRF 3.14 routers.py APIRootView', status: 200, body: { users: expect.stringMatching(/\/users\/$/) } },
  invalidPage: { source: 'DRF 3.14 pagination.py PageNumberPagination.invalid_page_message', status: 404, body: { detail: 'Invalid page.' } },
  notFound: { source: 'DRF 3.14 exceptions.py NotFound', status: 404, body: { detail: 'Not found.' } },
  methodNotAllowed: { source: 'DRF 3.14 exceptions.py MethodNotAllowed', status: 405, body: { detail: 'Method "GET" not allowed.' } },
  unsupportedMedia: {
    source: 'DRF 3.14 exceptions.py UnsupportedMediaType',
    status: 415,
    body: { detail: expect.stringMatching(/^Unsupported media type ".+" in request\.$/) },
  },
  throttled: {
    source: 'DRF 3.14 exceptions.py Throttled (Retry-After header: views.py)',
    status: 429,
    body: { detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds?\.$/) },
  },
} satisfies Record<string, Expected>;

/** The library's body plus authql's additions to an error. */
export const withCode = (e: Expected, code: string, reason?: string): Expected => ({ ...e, body: { ...e.body, code, ...(reason ? { reason } : {}) } });

/** Status and every key of the body, exactly (no key missing, none added). */
export function expectShape(res: { status: number; body: unknown }, e: Expected): void {
  expect({ status: res.status, body: res.body }).toEqual({ status: e.status, body: e.body });
}
