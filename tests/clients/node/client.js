// node's odbc (npm, pinned in package-lock.json) through the hook: a
// connection string, then $CL_QUERY. Prints 'row: ...' lines, or the
// driver's own error records.
'use strict';
const odbc = require('odbc');

async function main() {
	const conn = await odbc.connect(process.argv[2]);
	try {
		const rows = await conn.query(process.env.CL_QUERY);
		for (const row of rows)
			console.log(row.r);
	} finally {
		await conn.close();
	}
}

main().catch((err) => {
	console.error(`node odbc failed: ${err.message}`);
	for (const e of err.odbcErrors || [])
		console.error(`[${e.state}] ${e.message}`);
	process.exitCode = 1;
});
