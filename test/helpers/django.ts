// A Django + allauth database for the import tests, built the way Django's
// migrations leave it on SQLite (the CREATE statements are what `sqlite3
// db.sqlite3 .schema` prints for auth_user and allauth's tables), with
// password hashes computed exactly as Django's hashers compute them.

import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Algorithm, hash as argon2Hash } from '@node-rs/argon2';
import { hashSync as bcryptHashSync } from 'bcryptjs';
import Database from 'better-sqlite3';

export const DJANGO_SCHEMA = [
  'CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "first_name" varchar(150) NOT NULL)',
  'CREATE TABLE "account_emailaddress" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "verified" bool NOT NULL, "primary" bool NOT NULL, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "email" varchar(254) NOT NULL)',
  'CREATE UNIQUE INDEX "account_emailaddress_user_id_email_987c8728_uniq" ON "account_emailaddress" ("user_id", "email")',
  'CREATE UNIQUE INDEX "unique_verified_email" ON "account_emailaddress" ("email") WHERE "verified"',
  'CREATE INDEX "account_emailaddress_user_id_2c513194" ON "account_emailaddress" ("user_id")',
  'CREATE INDEX "account_emailaddress_upper" ON "account_emailaddress" ((UPPER("email")))',
  'CREATE TABLE "socialaccount_socialapp" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "provider" varchar(30) NOT NULL, "name" varchar(40) NOT NULL, "client_id" varchar(191) NOT NULL, "secret" varchar(191) NOT NULL, "key" varchar(191) NOT NULL, "provider_id" varchar(200) NOT NULL, "settings" text NOT NULL CHECK ((JSON_VALID("settings") OR "settings" IS NULL)))',
  'CREATE TABLE "socialaccount_socialaccount" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "provider" varchar(200) NOT NULL, "uid" varchar(191) NOT NULL, "last_login" datetime NOT NULL, "date_joined" datetime NOT NULL, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "extra_data" text NOT NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)))',
  'CREATE UNIQUE INDEX "socialaccount_socialaccount_provider_uid_fc810c6e_uniq" ON "socialaccount_socialaccount" ("provider", "uid")',
  'CREATE INDEX "socialaccount_socialaccount_user_id_8146e70c" ON "socialaccount_socialaccount" ("user_id")',
];

/** Django's get_random_string alphabet, as its salts use. */
const salt = () =>
  randomBytes(16)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 22);

/** PBKDF2PasswordHasher.encode: pbkdf2_sha256$<iterations>$<salt>$<base64 of the 32-byte key>. */
export function djangoPbkdf2(password: string, iterations = 870000): string {
  const s = salt();
  return `pbkdf2_sha256$${iterations}$${s}$${pbkdf2Sync(password, s, iterations, 32, 'sha256').toString('base64')}`;
}

/** BCryptSHA256PasswordHasher.encode: bcrypt of the hex SHA-256 (cost 4 keeps the test quick). */
export function djangoBcryptSha256(password: string): string {
  return `bcrypt_sha256$${bcryptHashSync(createHash('sha256').update(password).digest('hex'), 4).replace(/^\$2a\$/, '$2b$')}`;
}

/** Argon2PasswordHasher.encode: 'argon2' + the PHC string argon2-cffi returns (Django's parameters). */
export async function djangoArgon2(password: string): Promise<string> {
  return `argon2${await argon2Hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 102400, timeCost: 2, parallelism: 8 })}`;
}

export interface Db {
  run(sql: string, ...params: unknown[]): Promise<void>;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function openSqlite(file: string): Db {
  const db = new Database(file);
  // As the sqlite3 shell and older Django leave it, so a test can plant a row whose user is gone
  // (better-sqlite3 turns foreign keys on by default).
  db.pragma('foreign_keys = OFF');
  return {
    run: async (sql, ...params) => void db.prepare(sql).run(...params),
    all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
    close: async () => void db.close(),
  };
}

export async function createDjangoDatabase(file: string): Promise<Db> {
  const db = openSqlite(file);
  for (const sql of DJANGO_SCHEMA) await db.run(sql);
  return db;
}

export interface DjangoUserFixture {
  id: number;
  username: string;
  password: string;
  email?: string;
  isStaff?: boolean;
  isActive?: boolean;
  dateJoined?: string;
}

export async function insertUser(db: Db, u: DjangoUserFixture): Promise<void> {
  await db.run(
    'INSERT INTO "auth_user" ("id", "password", "last_login", "is_superuser", "username", "last_name", "email", "is_staff", "is_active", "date_joined", "first_name") VALUES (?, ?, NULL, 0, ?, ?, ?, ?, ?, ?, ?)',
    u.id,
    u.password,
    u.username,
    'Lastname',
    u.email ?? '',
    u.isStaff ? 1 : 0,
    u.isActive === false ? 0 : 1,
    u.dateJoined ?? '2021-05-04 03:02:01.123456',
    u.username[0].toUpperCase() + u.username.slice(1),
  );
}

export async function insertEmail(db: Db, userId: number, email: string, verified: boolean, primary: boolean): Promise<void> {
  await db.run(
    'INSERT INTO "account_emailaddress" ("verified", "primary", "user_id", "email") VALUES (?, ?, ?, ?)',
    verified ? 1 : 0,
    primary ? 1 : 0,
    userId,
    email,
  );
}

export async function insertSocialApp(db: Db, provider: string, name: string, clientId: string, secret = '', key = ''): Promise<void> {
  await db.run(
    'INSERT INTO "socialaccount_socialapp" ("provider", "name", "client_id", "secret", "key", "provider_id", "settings") VALUES (?, ?, ?, ?, ?, \'\', \'{}\')',
    provider,
    name,
    clientId,
    secret,
    key,
  );
}

export async function insertSocialAccount(db: Db, id: number, userId: number, provider: string, uid: string, extra: object = {}): Promise<void> {
  await db.run(
    'INSERT INTO "socialaccount_socialaccount" ("id", "provider", "uid", "last_login", "date_joined", "user_id", "extra_data") VALUES (?, ?, ?, \'2024-03-21 20:24:16.918377\', \'2022-01-02 03:04:05.000000\', ?, ?)',
    id,
    provider,
    uid,
    userId,
    JSON.stringify(extra),
  );
}
