import { Body, Controller, ForbiddenException, HttpCode, Post, UnauthorizedException, UseGuards, UsePipes } from '@nestjs/common';
import { createValidationPipe } from '@peak/platform';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import * as bcrypt from 'bcryptjs';
import { UsersService } from '../users/users.service';
import { LoginThrottlerGuard } from './login-rate-limit';
import { LoginDto, LoginResponseDto } from './login.dto';
import { TokensService } from './tokens.service';

@ApiTags('auth')
@Controller('auth')
export class LoginController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
  ) {}

  /**
   * Exchanges a demo user's credentials for a buyer token (with `exp`). Attempts are limited
   * per username and per client address (LOGIN_RATE_LIMIT_PER_MINUTE,
   * LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE) before anything else runs; a body PostgreSQL could
   * not take (a NUL or control character in the username) is a 400 naming the field.
   */
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @UsePipes(createValidationPipe())
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiBadRequestResponse({ description: 'invalid body; `fields` names each bad field' })
  @ApiUnauthorizedResponse({ description: 'unknown user or wrong password' })
  @ApiTooManyRequestsResponse({ description: 'too many attempts for this username or client address; `Retry-After` says when to try again' })
  async login(@Body() body: LoginDto): Promise<LoginResponseDto> {
    const user = await this.users.findByUsername(body.username);
    const matches = user ? await bcrypt.compare(body.password, user.passwordHash) : false;
    if (!user || !matches) throw new UnauthorizedException('invalid username or password');
    if (user.banned) throw new ForbiddenException('user is banned');
    return { token: this.tokens.issue(user.userId, user.username) };
  }
}
