import type { ServiceDatabaseOptions } from '@peak/database';
import { AUTH_DATA_SOURCE } from './auth.config';
import { User } from '../users/user.entity';
import { CreateUsers1732170001000 } from '../migrations/1732170001000-CreateUsers';

/** auth's tables (schema `auth`): used by its module and by `npm run migrations`. */
export const AUTH_DATABASE: ServiceDatabaseOptions = { name: AUTH_DATA_SOURCE, entities: [User], migrations: [CreateUsers1732170001000] };
