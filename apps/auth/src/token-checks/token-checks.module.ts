import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { authConfig } from '../config/auth.config';
import { UsersModule } from '../users/users.module';
import { TokenChecksController } from './token-checks.controller';
import { TokenChecksRpcController } from './token-checks-rpc.controller';
import { TokenChecksService } from './token-checks.service';

@Module({
  imports: [ConfigModule.forFeature(authConfig), UsersModule],
  controllers: [TokenChecksController, TokenChecksRpcController],
  providers: [TokenChecksService],
})
export class TokenChecksModule {}
