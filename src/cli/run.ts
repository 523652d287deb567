// The `tower` command's entry: `bin/tower.js` runs it from the TypeScript sources through tsx,
// `npm start` from the JavaScript that `npm run build` writes to dist/.
import { main } from './main.ts';

process.exitCode = await main(process.argv);
