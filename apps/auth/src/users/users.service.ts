import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { BatchCoalescer, ItemResult } from '@peak/messaging';
import { AUTH_DATA_SOURCE } from '../config/auth.config';
import { User } from './user.entity';

export interface UserStanding {
  exists: boolean;
  banned: boolean;
}

/** Reads users; standing lookups of concurrent checks share one `= ANY($1)` query. */
@Injectable()
export class UsersService {
  private readonly standingBatch = new BatchCoalescer<string, UserStanding>((ids) => this.standingMany(ids));

  constructor(
    @InjectRepository(User, AUTH_DATA_SOURCE) private readonly users: Repository<User>,
    @InjectDataSource(AUTH_DATA_SOURCE) private readonly db: DataSource,
  ) {}

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOne({ where: { username } });
  }

  /** Whether the user exists and is banned, as of now. */
  standing(userId: string): Promise<UserStanding> {
    return this.standingBatch.submit(userId);
  }

  private async standingMany(ids: string[]): Promise<Array<ItemResult<UserStanding>>> {
    const rows: Array<{ user_id: string; banned: boolean }> = await this.db.query(
      `SELECT user_id, banned FROM auth.users WHERE user_id = ANY($1::text[])`,
      [[...new Set(ids)]],
    );
    const found = new Map(rows.map((r) => [r.user_id, r.banned]));
    return ids.map((id) => ({ ok: true, value: { exists: found.has(id), banned: found.get(id) ?? false } }));
  }
}
