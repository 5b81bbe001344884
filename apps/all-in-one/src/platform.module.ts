import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { KafkaConnection, MessagingModule } from '@peak/messaging';
import { OrderServiceModule } from '../../order-service/src/order-service.module';
import { AuthModule } from '../../auth/src/auth.module';
import { CourseValidationModule } from '../../course-validation/src/course-validation.module';
import { PaymentModule } from '../../payment/src/payment.module';

export interface PlatformOptions {
  /** Share an existing broker connection (tests); otherwise opened from config. */
  connection?: KafkaConnection;
}

/**
 * All four services in one Nest application: one HTTP server (order-service's API and
 * auth's login) and one transport whose handlers keep their own consumer groups, so the
 * services stay as independent as separate processes on the same broker.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions = {}): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        MessagingModule.forRoot({ connection: options.connection }),
        OrderServiceModule,
        AuthModule,
        CourseValidationModule,
        PaymentModule,
      ],
    };
  }
}
