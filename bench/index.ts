// `npm run bench`: runs every bench and prints its table.
import { runCryptoBench } from './crypto';

console.log(runCryptoBench());
