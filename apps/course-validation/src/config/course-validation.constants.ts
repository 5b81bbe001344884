/** Name of course-validation's DataSource (schema `catalog`). */
export const CATALOG_DATA_SOURCE = 'catalog';
