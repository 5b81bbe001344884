import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** No C0 control character or DEL: PostgreSQL rejects NUL in text, and no username has the others. */
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
/** No NUL: bcrypt implementations disagree on it, and no password needs it. */
const NO_NUL = /^[^\u0000]*$/;

export class LoginDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'username must not contain control characters (NUL included)' })
  username!: string;

  @ApiProperty({ example: 'alice-pass' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NO_NUL, { message: 'password must not contain a NUL character' })
  password!: string;
}

export class LoginResponseDto {
  @ApiProperty()
  token!: string;
}
