import { Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { authConfig } from '../config/auth.config';
import { UsersModule } from '../users/users.module';
import { LoginController } from './login.controller';
import { loginThrottlerOptions } from './login-rate-limit';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    ConfigModule.forFeature(authConfig),
    JwtModule.register({}),
    ThrottlerModule.forRootAsync({
      imports: [ConfigModule.forFeature(authConfig)],
      inject: [authConfig.KEY],
      useFactory: (config: ConfigType<typeof authConfig>) => loginThrottlerOptions(config),
    }),
    UsersModule,
  ],
  controllers: [LoginController],
  providers: [TokensService],
})
export class LoginModule {}
