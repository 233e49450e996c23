# Reference values from R itself, for tests/test_r_references.py (the tests read the CSV and do
# not need R). Regenerate with `make r-references` (Rscript, base R + stats only).
#
# Output: tests/r/references.csv, long format, one value per row:
#   function   R function called (prop.test, binom.test, fisher.test, power.prop.test, p.adjust,
#              qnorm)
#   case_id    one id per R call (unique within the file), readable
#   args       the call's arguments as key=value;key=value, with R's argument names; numbers
#              written so they read back as the same double; vectors joined with '|'
#   quantity   which output: statistic (X-squared), p.value, conf.low, conf.high, warning (1 when R
#              warned "Chi-squared approximation may be incorrect" or "No p1/p2 ... can be
#              found", else 0), power, n, p1, p2, adjusted, quantile
#   value      sprintf("%.17g"): every double round-trips exactly; NaN/NA as R prints them
# The first lines start with '#': the R version, the date, how the file was made.
#
# Cases: the domain cases of shared/domain.md and issue 14, then seeded random grids (the seed and
# the RNG kinds are fixed below, so the file is the same on every run of the same R version apart
# from the date line).

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20260314)

out_file <- file.path("tests", "r", "references.csv")
if (!dir.exists(dirname(out_file))) {
  stop("run from the repository root (make r-references)")
}

rows <- list()
seen_ids <- character(0)

num <- function(v) {
  # as.character when it reads back as the same double, else all 17 digits
  s <- as.character(v)
  ifelse(as.numeric(s) == v, s, sprintf("%.17g", v))
}

fmt_arg <- function(v) {
  if (is.logical(v)) return(paste(ifelse(v, "TRUE", "FALSE"), collapse = "|"))
  if (is.character(v)) return(paste(v, collapse = "|"))
  paste(num(v), collapse = "|")
}

fmt_args <- function(a) {
  paste(names(a), vapply(a, fmt_arg, ""), sep = "=", collapse = ";")
}

fmt_value <- function(v) {
  if (is.logical(v)) v <- as.numeric(v)
  if (is.na(v) && !is.nan(v)) return("NA")
  sprintf("%.17g", v)
}

emit <- function(fun, case_id, args, values) {
  if (case_id %in% seen_ids) stop("duplicate case_id: ", case_id)
  seen_ids <<- c(seen_ids, case_id)
  a <- fmt_args(args)
  for (q in names(values)) {
    rows[[length(rows) + 1L]] <<- c(fun, case_id, a, q, fmt_value(values[[q]]))
  }
}

# Evaluate `expr`, returning list(value, warned) with R's warnings muffled and recorded.
quietly <- function(expr) {
  warned <- FALSE
  value <- withCallingHandlers(expr, warning = function(w) {
    warned <<- TRUE
    invokeRestart("muffleWarning")
  })
  list(value = value, warned = warned)
}

alternatives <- c("two.sided", "less", "greater")
conf_levels <- c(0.90, 0.95)

# ---------------------------------------------------------------------------------------------
# Two-sample tables: x1/n1 vs x2/n2
# ---------------------------------------------------------------------------------------------
domain_two <- rbind(
  c(74, 100, 65, 100),  # the README's example: 74/100 vs 65/100
  c(47, 62, 18, 38),    # shared/domain.md: community vs licence, 76% vs 47% (65/100)
  c(51, 62, 23, 38),    # shared/domain.md: 82% vs 61% (74/100)
  c(34, 100, 47, 100),  # percentages of 100 as counts
  c(55, 100, 100, 100),
  c(0, 1, 1, 1),        # small counts (issue 14 defect 9's table)
  c(1, 1, 0, 1),
  c(3, 3, 1, 3),        # issue 14 defect 2's table
  c(1, 3, 3, 3),
  c(13, 14, 10, 14),    # Through the Gate sample sizes
  c(13, 14, 74, 100),
  c(0, 5, 0, 5),        # all failures in both groups (R: X-squared NaN)
  c(5, 5, 5, 5),        # all successes in both groups
  c(7, 10, 2, 10),
  c(61, 79, 48, 79),    # harm sub-sample size
  c(23, 35, 28, 35)     # unpaid work sample size
)
k <- 150L
draw_n <- function(k) ifelse(runif(k) < 0.4, sample.int(30L, k, TRUE), sample(31:400, k, TRUE))
n1 <- draw_n(k)
n2 <- draw_n(k)
x1 <- rbinom(k, n1, runif(k, 0.03, 0.97))
x2 <- rbinom(k, n2, runif(k, 0.03, 0.97))
two <- rbind(domain_two, cbind(x1, n1, x2, n2))
storage.mode(two) <- "integer"
two_label <- c(rep("domain", nrow(domain_two)), sprintf("grid%03d", seq_len(k)))

for (i in seq_len(nrow(two))) {
  t <- two[i, ]
  tab <- sprintf("%s-%d/%d-%d/%d", two_label[i], t[1], t[2], t[3], t[4])
  for (alt in alternatives) {
    for (correct in c(FALSE, TRUE)) {
      for (cl in conf_levels) {
        r <- quietly(prop.test(c(t[1], t[3]), c(t[2], t[4]),
                               alternative = alt, correct = correct, conf.level = cl))
        values <- list(conf.low = r$value$conf.int[1], conf.high = r$value$conf.int[2])
        if (cl == 0.95) {  # the test itself does not depend on conf.level: record it once
          values <- c(list(statistic = unname(r$value$statistic), p.value = r$value$p.value,
                           warning = r$warned), values)
        }
        emit("prop.test",
             sprintf("2s-%s-%s-%s-%g", tab, alt, if (correct) "cc" else "nocc", cl),
             list(x1 = t[1], n1 = t[2], x2 = t[3], n2 = t[4], alternative = alt,
                  correct = correct, conf.level = cl),
             values)
      }
    }
    f <- fisher.test(matrix(c(t[1], t[2] - t[1], t[3], t[4] - t[3]), 2L), alternative = alt)
    emit("fisher.test", sprintf("fisher-%s-%s", tab, alt),
         list(x1 = t[1], n1 = t[2], x2 = t[3], n2 = t[4], alternative = alt),
         list(p.value = f$p.value))
  }
}

# ---------------------------------------------------------------------------------------------
# One-sample: x/n against a fixed rate p
# ---------------------------------------------------------------------------------------------
domain_one <- data.frame(
  x = c(8, 5, 13, 65, 30, 0, 10, 1,        # |x - n p| < 0.5 (issue 14 defect 4)
        13,                                # Through the Gate 13/14 vs 69% (issue 14 defect 8)
        65, 74, 61, 23, 0, 5, 1, 46, 14, 3, 48),
  n = c(18, 10, 20, 100, 79, 10, 10, 14,
        14,
        100, 100, 79, 35, 5, 5, 14, 46, 46, 3, 79),
  p = c(0.449, 0.5, 0.66, 0.653, 0.38, 0.03, 0.97, 0.05,
        0.69,
        0.71, 0.71, 0.70, 0.6, 0.2, 0.5, 0.3, 0.8, 0.5, 0.3, 0.71)
)
k1 <- 40L
n <- sample(c(sample.int(30L, k1 %/% 2L, TRUE), sample(31:300, k1 - k1 %/% 2L, TRUE)))
p0 <- round(runif(k1, 0.02, 0.98), 3)
x <- rbinom(k1, n, pmin(pmax(p0 + runif(k1, -0.15, 0.15), 0), 1))
one <- rbind(domain_one, data.frame(x = x, n = n, p = p0))
one_label <- c(rep("domain", nrow(domain_one)), sprintf("grid%03d", seq_len(k1)))

for (i in seq_len(nrow(one))) {
  xi <- as.integer(one$x[i]); ni <- as.integer(one$n[i]); pi0 <- one$p[i]
  case <- sprintf("%s-%d/%d-p%s", one_label[i], xi, ni, num(pi0))
  for (alt in alternatives) {
    for (correct in c(FALSE, TRUE)) {
      for (cl in conf_levels) {
        r <- quietly(prop.test(xi, ni, p = pi0, alternative = alt, correct = correct,
                               conf.level = cl))
        values <- list(conf.low = r$value$conf.int[1], conf.high = r$value$conf.int[2])
        if (cl == 0.95) {
          values <- c(list(statistic = unname(r$value$statistic), p.value = r$value$p.value,
                           warning = r$warned), values)
        }
        emit("prop.test",
             sprintf("1s-%s-%s-%s-%g", case, alt, if (correct) "cc" else "nocc", cl),
             list(x = xi, n = ni, p = pi0, alternative = alt, correct = correct,
                  conf.level = cl),
             values)
        if (correct && abs(xi - ni * pi0) < 0.5) {
          # R shrinks the interval's correction to |x - n p| below half a case, so its interval
          # depends on p; the same call at a reference 0.75 cases away gives R's interval with
          # the full half-case correction (the toolkit's choice, issue 14 defect 4).
          pa <- if (xi < ni) (xi + 0.75) / ni else (xi - 0.75) / ni
          ra <- quietly(prop.test(xi, ni, p = pa, alternative = alt, correct = TRUE,
                                  conf.level = cl))
          emit("prop.test", sprintf("1s-%s-%s-cc-%g-away", case, alt, cl),
               list(x = xi, n = ni, p = pa, alternative = alt, correct = TRUE, conf.level = cl),
               list(conf.low = ra$value$conf.int[1], conf.high = ra$value$conf.int[2]))
        }
      }
    }
    for (cl in conf_levels) {
      b <- binom.test(xi, ni, p = pi0, alternative = alt, conf.level = cl)
      values <- list(conf.low = b$conf.int[1], conf.high = b$conf.int[2])
      if (cl == 0.95) values <- c(list(p.value = b$p.value), values)
      emit("binom.test", sprintf("binom-%s-%s-%g", case, alt, cl),
           list(x = xi, n = ni, p = pi0, alternative = alt, conf.level = cl), values)
    }
  }
}

# ---------------------------------------------------------------------------------------------
# power.prop.test: power for n; n for power; p2 (or p1) for n and power. tol = 1e-12 (R's
# default, .Machine$double.eps^0.25 = 1.2e-4, is too loose for a reference).
# ---------------------------------------------------------------------------------------------
tol <- 1e-12
sig_levels <- c(0.1, 0.05, 0.01)
settings <- list(c("two.sided", FALSE), c("two.sided", TRUE), c("one.sided", FALSE))
pairs_power <- rbind(c(0.74, 0.65), c(0.5, 0.75), c(0.2, 0.1), c(0.9, 0.82), c(0.05, 0.85))
for (nn in c(14, 35, 79, 100, 250)) {
  for (j in seq_len(nrow(pairs_power))) {
    for (a in sig_levels) {
      for (s in settings) {
        p1 <- pairs_power[j, 1]; p2 <- pairs_power[j, 2]; strict <- as.logical(s[2])
        r <- power.prop.test(n = nn, p1 = p1, p2 = p2, sig.level = a, alternative = s[1],
                             strict = strict)
        emit("power.prop.test",
             sprintf("power-n%g-p1%s-p2%s-a%g-%s%s", nn, num(p1), num(p2), a, s[1],
                     if (strict) "-strict" else ""),
             list(n = nn, p1 = p1, p2 = p2, sig.level = a, alternative = s[1], strict = strict),
             list(power = r$power))
      }
    }
  }
}

pairs_n <- rbind(c(0.74, 0.65), c(0.5, 0.75), c(0.8, 0.65), c(0.2, 0.1), c(0.05, 0.85),
                 c(0.65, 0.806), c(0.3, 0.5), c(0.1, 0.9), c(0.15, 0.8), c(0.05, 0.95))
for (j in seq_len(nrow(pairs_n))) {
  for (pw in c(0.8, 0.9)) {
    for (a in sig_levels) {
      for (s in settings) {
        p1 <- pairs_n[j, 1]; p2 <- pairs_n[j, 2]; strict <- as.logical(s[2])
        r <- power.prop.test(p1 = p1, p2 = p2, power = pw, sig.level = a,
                             alternative = s[1], strict = strict, tol = tol)
        emit("power.prop.test",
             sprintf("n-p1%s-p2%s-power%g-a%g-%s%s", num(p1), num(p2), pw, a, s[1],
                     if (strict) "-strict" else ""),
             list(p1 = p1, p2 = p2, power = pw, sig.level = a, alternative = s[1],
                  strict = strict, tol = tol),
             list(n = r$n))
      }
    }
  }
}

# The rate at which n cases a round reach the power: p2 above a given p1 (an increase), or p1
# below a given p2 (a decrease); R searches [p1, 1] and [0, p2] respectively. Where no rate on
# that side reaches the power, uniroot(extendInt = "yes") walks out of the interval and returns
# the root on the other side (p1 = 0.591 for n = 35, p2 = 0.2, sig.level = 0.01) without a
# warning; the value is recorded as R gives it and the test reads it that way.
for (nn in c(35, 79, 100, 250)) {
  for (b in c(0.2, 0.5, 0.65)) {
    for (pw in c(0.8, 0.9)) {
      for (a in sig_levels) {
        for (s in settings) {
          strict <- as.logical(s[2])
          tag <- sprintf("n%g-power%g-a%g-%s%s", nn, pw, a, s[1], if (strict) "-strict" else "")
          up <- quietly(power.prop.test(n = nn, p1 = b, power = pw, sig.level = a,
                                        alternative = s[1], strict = strict, tol = tol))
          emit("power.prop.test", sprintf("p2-p1%s-%s", num(b), tag),
               list(n = nn, p1 = b, power = pw, sig.level = a, alternative = s[1],
                    strict = strict, tol = tol),
               list(p2 = up$value$p2, warning = up$warned))
          down <- tryCatch(
            quietly(power.prop.test(n = nn, p2 = b, power = pw, sig.level = a,
                                    alternative = s[1], strict = strict, tol = tol)),
            error = function(e) NULL
          )
          if (is.null(down)) next  # no root in [0, p2]: not recorded
          emit("power.prop.test", sprintf("p1-p2%s-%s", num(b), tag),
               list(n = nn, p2 = b, power = pw, sig.level = a, alternative = s[1],
                    strict = strict, tol = tol),
               list(p1 = down$value$p1, warning = down$warned))
        }
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------
# p.adjust
# ---------------------------------------------------------------------------------------------
vectors <- list(
  doc = c(0.01, 0.04, 0.03, 0.20),            # significance.adjust_pvalues's docstring
  ties = c(0.05, 0.05, 0.01, 0.5, 0.5, 0.012),
  edges = c(0, 1, 0.5, 0.02, 0.02),
  single = 0.3,
  random = signif(runif(20)^2, 6)
)
for (v in names(vectors)) {
  for (m in c("holm", "hochberg", "BH", "bonferroni")) {
    adj <- p.adjust(vectors[[v]], method = m)
    emit("p.adjust", sprintf("padjust-%s-%s", v, m),
         list(p = vectors[[v]], method = m),
         setNames(as.list(adj), sprintf("adjusted[%d]", seq_along(adj))))
  }
}

# ---------------------------------------------------------------------------------------------
# qnorm at the toolkit's quantiles
# ---------------------------------------------------------------------------------------------
for (q in c(0.8, 0.9, 0.95, 0.975, 0.99, 0.995)) {
  emit("qnorm", sprintf("qnorm-%s", num(q)), list(p = q), list(quantile = qnorm(q)))
}

# ---------------------------------------------------------------------------------------------
table <- do.call(rbind, rows)
colnames(table) <- c("function", "case_id", "args", "quantity", "value")
tmp <- paste0(out_file, ".tmp")
con <- file(tmp, "w")
writeLines(c(
  sprintf("# %s; written %s by tests/r/make_references.R (make r-references)",
          R.version.string, format(Sys.Date())),
  "# values: sprintf('%.17g'); args: key=value;key=value with R's argument names"
), con)
close(con)
suppressWarnings(write.table(table, tmp, append = TRUE, sep = ",", row.names = FALSE, col.names = TRUE,
            qmethod = "double"))
if (!file.rename(tmp, out_file)) stop("could not write ", out_file)
cat(sprintf("%s: %d values from %d R calls\n", out_file, nrow(table), length(seen_ids)))
