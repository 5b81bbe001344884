import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { authConfig } from '../config/auth.config';
import { UsersModule } from '../users/users.module';
import { LoginController } from './login.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [ConfigModule.forFeature(authConfig), JwtModule.register({}), UsersModule],
  controllers: [LoginController],
  providers: [TokensService],
})
export class LoginModule {}
