import { Body, Controller, ForbiddenException, HttpCode, Post, UnauthorizedException, UsePipes } from '@nestjs/common';
import { createValidationPipe } from '@peak/platform';
import { ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import * as bcrypt from 'bcryptjs';
import { UsersService } from '../users/users.service';
import { LoginDto, LoginResponseDto } from './login.dto';
import { TokensService } from './tokens.service';

@ApiTags('auth')
@Controller('auth')
export class LoginController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
  ) {}

  /** Exchanges a demo user's credentials for a buyer token. */
  @Post('login')
  @HttpCode(200)
  @UsePipes(createValidationPipe())
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'unknown user or wrong password' })
  async login(@Body() body: LoginDto): Promise<LoginResponseDto> {
    const user = await this.users.findByUsername(body.username);
    const matches = user ? await bcrypt.compare(body.password, user.passwordHash) : false;
    if (!user || !matches) throw new UnauthorizedException('invalid username or password');
    if (user.banned) throw new ForbiddenException('user is banned');
    return { token: this.tokens.issue(user.userId, user.username) };
  }
}
