import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { AUTH_DATA_SOURCE } from './config/auth.config';
import { User } from './users/user.entity';
import { LoginModule } from './login/login.module';
import { TokenChecksModule } from './token-checks/token-checks.module';
import { CreateUsers1732170001000 } from './migrations/1732170001000-CreateUsers';

/** auth: POST /auth/login and the buyer check of every order (schema `auth`). */
@Module({
  imports: [
    DatabaseModule.forService({ name: AUTH_DATA_SOURCE, entities: [User], migrations: [CreateUsers1732170001000] }),
    LoginModule,
    TokenChecksModule,
  ],
})
export class AuthModule {}
