import { Module } from '@nestjs/common';
import { DatabaseModule } from '@peak/database';
import { AUTH_DATABASE } from './config/auth.database';
import { LoginModule } from './login/login.module';
import { TokenChecksModule } from './token-checks/token-checks.module';

/** auth: POST /auth/login and the buyer check of every order (schema `auth`). */
@Module({
  imports: [
    DatabaseModule.forService(AUTH_DATABASE),
    LoginModule,
    TokenChecksModule,
  ],
})
export class AuthModule {}
