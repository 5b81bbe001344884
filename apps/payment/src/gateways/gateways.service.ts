import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PaymentMethod } from '@peak/contracts';
import { paymentConfig } from '../config/payment.config';
import { SimulatedGateway } from './simulated-gateway';

/** One simulated gateway per payment method, configured from PAYMENT_<METHOD>_* variables. */
@Injectable()
export class GatewaysService {
  private readonly gateways: Record<PaymentMethod, SimulatedGateway>;

  constructor(@Inject(paymentConfig.KEY) config: ConfigType<typeof paymentConfig>) {
    this.gateways = {
      alipay: new SimulatedGateway('alipay', config.alipay),
      wechat: new SimulatedGateway('wechat', config.wechat),
    };
  }

  for(method: PaymentMethod): SimulatedGateway {
    return this.gateways[method];
  }

  /** Every gateway, in a fixed order (capacity reports). */
  all(): SimulatedGateway[] {
    return [this.gateways.alipay, this.gateways.wechat];
  }
}
