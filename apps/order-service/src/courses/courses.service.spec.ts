import { ServiceUnavailableException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import { CATALOG_MISSING, CoursesService } from './courses.service';

/** A DataSource whose every query fails with `err`. */
function failingDb(err: Error): DataSource {
  return { query: () => Promise.reject(err) } as unknown as DataSource;
}

describe(CoursesService.name, () => {
  // order-service started alone on its own database has no catalog schema (course-validation owns it).
  const missingCatalog = new QueryFailedError('SELECT * FROM catalog.courses', [], Object.assign(new Error('relation "catalog.courses" does not exist'), { code: '42P01' }));

  it('answers 503 naming the fix when the catalog is not in the database', async () => {
    const sut = new CoursesService(failingDb(missingCatalog));
    await expect(sut.list()).rejects.toThrow(new ServiceUnavailableException(CATALOG_MISSING));
    await expect(sut.find('kafka-201')).rejects.toBeInstanceOf(ServiceUnavailableException);
  });

  it('lets other database errors through unchanged', async () => {
    const other = new Error('connection terminated');
    await expect(new CoursesService(failingDb(other)).list()).rejects.toBe(other);
  });
});
