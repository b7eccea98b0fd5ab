# R's RODBC through the hook: odbcDriverConnect with a connection string,
# then $CL_QUERY. Prints 'row: ...' lines, or RODBC's own error text.
suppressPackageStartupMessages(library(RODBC))
args <- commandArgs(trailingOnly = TRUE)
ch <- odbcDriverConnect(args[1], believeNRows = FALSE,
                        DBMSencoding = "UTF-8")
if (!inherits(ch, "RODBC")) {
	cat("connect failed\n", file = stderr())
	quit(status = 1)
}
res <- sqlQuery(ch, Sys.getenv("CL_QUERY"), stringsAsFactors = FALSE,
                errors = TRUE)
if (!is.data.frame(res)) {
	cat("query failed:", res, sep = "\n", file = stderr())
	quit(status = 1)
}
writeLines(enc2utf8(as.character(res[[1]])))
odbcClose(ch)
