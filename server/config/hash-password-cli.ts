// Prints an scrypt hash for a password, to paste into a configuration file's `passwordHash`.
// Usage: npm run hash-password -- 'the password'
import { hashPassword } from './passwords';

const password = process.argv[2];
if (!password) {
  console.error("usage: npm run hash-password -- 'the password'");
  process.exit(2);
}
console.log(await hashPassword(password));
