import { Module } from '@nestjs/common';
import { LoginModule } from '../login/login.module';
import { UsersModule } from '../users/users.module';
import { TokenChecksController } from './token-checks.controller';
import { TokenChecksService } from './token-checks.service';

@Module({
  imports: [LoginModule, UsersModule],
  controllers: [TokenChecksController],
  providers: [TokenChecksService],
})
export class TokenChecksModule {}
