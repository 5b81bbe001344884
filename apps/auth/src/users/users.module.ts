import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUTH_DATA_SOURCE } from '../config/auth.config';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User], AUTH_DATA_SOURCE)],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
