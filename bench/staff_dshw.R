# staff_dshw.R - R's forecast::dshw on the half-hourly `taylor` series, for bench/staff_dshw.sh.
# usage: Rscript staff_dshw.R OUTDIR H
# Writes OUTDIR/taylor.csv (the whole series, one value a line) and prints
#   dshw wape <x> mape <x> seconds <x>
# for a forecast of the last H points from the ones before them.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
outdir <- args[1]
h <- as.integer(args[2])
y <- as.numeric(taylor)
write.csv(data.frame(y = y), file.path(outdir, "taylor.csv"), row.names = FALSE)
n <- length(y)
train <- msts(y[1:(n - h)], seasonal.periods = c(48, 336))
test <- y[(n - h + 1):n]
t0 <- proc.time()[["elapsed"]]
fit <- dshw(train, h = h)
secs <- proc.time()[["elapsed"]] - t0
fc <- as.numeric(fit$mean)
cat(sprintf("dshw wape %.6f mape %.6f seconds %.3f alpha %.4f beta %.4f gamma %.4f omega %.4f phi %.4f\n",
            sum(abs(test - fc)) / sum(abs(test)), mean(abs(test - fc) / abs(test)), secs,
            fit$model$alpha, fit$model$beta, fit$model$gamma, fit$model$omega, fit$model$phi))
