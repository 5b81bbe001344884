import { MigrationInterface, QueryRunner } from 'typeorm';
import * as bcrypt from 'bcryptjs';
import { BCRYPT_ROUNDS } from '../config/auth.config';

/** Demo users (see README): password = username + "-pass"; `mallory` is banned. */
export const DEMO_USERS: ReadonlyArray<{ userId: string; username: string; banned: boolean }> = [
  { userId: 'u-alice', username: 'alice', banned: false },
  { userId: 'u-bob', username: 'bob', banned: false },
  { userId: 'u-carol', username: 'carol', banned: false },
  { userId: 'u-mallory', username: 'mallory', banned: true },
];

/** auth owns schema `auth`: users with bcrypt password hashes. */
export class CreateUsers1732170001000 implements MigrationInterface {
  name = 'CreateUsers1732170001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS auth`);
    await q.query(`
      CREATE TABLE auth.users (
        user_id       text PRIMARY KEY,
        username      text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        banned        boolean NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    for (const u of DEMO_USERS) {
      const hash = await bcrypt.hash(`${u.username}-pass`, BCRYPT_ROUNDS);
      await q.query(`INSERT INTO auth.users (user_id, username, password_hash, banned) VALUES ($1, $2, $3, $4)`, [
        u.userId, u.username, hash, u.banned,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA auth CASCADE`);
  }
}
