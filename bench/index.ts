// `npm run bench`: runs every bench and prints its table.
import { runCryptoBench } from './crypto';

runCryptoBench().then((table) => console.log(table), (err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
