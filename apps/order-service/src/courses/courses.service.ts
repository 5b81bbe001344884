import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ORDERS_DATA_SOURCE } from '../config/order-service.config';

export class CourseDto {
  @ApiProperty() courseId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() priceCents!: number;
  @ApiProperty() seatsTotal!: number;
  @ApiProperty() seatsLeft!: number;
  @ApiProperty() saleStartsAt!: string;
  @ApiProperty() saleEndsAt!: string;
  @ApiProperty() onSale!: boolean;
}

interface CourseRow {
  course_id: string;
  title: string;
  price_cents: number;
  seats_total: number;
  seats_left: number;
  sale_starts_at: Date;
  sale_ends_at: Date;
}

/**
 * Read-only view of the catalog, which course-validation owns (schema `catalog`): the
 * public read side of the seat counter. Never writes there.
 */
@Injectable()
export class CoursesService {
  constructor(@InjectDataSource(ORDERS_DATA_SOURCE) private readonly db: DataSource) {}

  async list(): Promise<CourseDto[]> {
    const rows = await this.read(`SELECT * FROM catalog.courses ORDER BY course_id`, []);
    return rows.map(toDto);
  }

  async find(courseId: string): Promise<CourseDto | null> {
    const rows = await this.read(`SELECT * FROM catalog.courses WHERE course_id = $1`, [courseId]);
    return rows[0] ? toDto(rows[0]) : null;
  }

  /** 503 with the fix when the catalog schema is not in this database (order-service started without course-validation). */
  private async read(sql: string, params: unknown[]): Promise<CourseRow[]> {
    try {
      return (await this.db.query(sql, params)) as CourseRow[];
    } catch (err) {
      if (pgCode(err) === UNDEFINED_TABLE) throw new ServiceUnavailableException(CATALOG_MISSING);
      throw err;
    }
  }
}

/** PostgreSQL SQLSTATE for "relation does not exist". */
const UNDEFINED_TABLE = '42P01';
export const CATALOG_MISSING =
  'the course catalog (schema "catalog", owned by course-validation) is not in this database: ' +
  'start course-validation once against the same DATABASE_URL, or run everything with `npm start`';

function pgCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.code ?? e.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

function toDto(r: CourseRow): CourseDto {
  const now = Date.now();
  return {
    courseId: r.course_id,
    title: r.title,
    priceCents: r.price_cents,
    seatsTotal: r.seats_total,
    seatsLeft: r.seats_left,
    saleStartsAt: r.sale_starts_at.toISOString(),
    saleEndsAt: r.sale_ends_at.toISOString(),
    onSale: now >= r.sale_starts_at.getTime() && now < r.sale_ends_at.getTime(),
  };
}
