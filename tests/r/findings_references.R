# Design-based estimates from R `survey`, for tests/findings/test_r_survey.py (the tests read the
# CSV and do not need R). Regenerate with `make r-references` (Rscript, package survey).
#
# Output: tests/r/findings_references.csv, one row per design and key question:
#   design       example_allocation: the bundled example sample with its results file, strata =
#                the draw's cells (gender x disposal x risk), N_h counted from the bundled
#                population, weights N_h / n_h (today's draw: probabilities n_c / N_c);
#                example_self_weighting: the same cases with every inclusion probability
#                n / N = 100 / 250 (the design of issue 12), fpc = N_h;
#                disproportionate: tests/r/findings_design.csv, written here, four strata
#                sampled at different rates (one with a single case), weights N_h / n_h
#   key_question the key question (or domain) estimated
#   n            cases in the domain; population (sum of the domain's weights)
#   estimate, se svymean(~y, subset(design, answered))
#   low, high    svyciprop(~y, subset(design, answered), method = "logit", level = 0.8, df = Inf)
# Lonely strata: options(survey.lonely.psu = "adjust"). Values: sprintf("%.17g").

suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")

out_file <- file.path("tests", "r", "findings_references.csv")
design_file <- file.path("tests", "r", "findings_design.csv")
if (!dir.exists(dirname(out_file))) stop("run from the repository root (make r-references)")

read_text <- function(path) {
  read.csv(path, colClasses = "character", na.strings = character(0), check.names = FALSE)
}
population <- read_text(file.path("sampling", "data", "example_population.csv"))
results <- read_text(file.path("significance", "findings", "data", "example_results.csv"))

yes_no <- function(x) {
  key <- tolower(trimws(x))
  ifelse(key %in% c("yes", "y"), 1, ifelse(key %in% c("no", "n"), 0, NA))
}

cell_of <- function(d) paste(d$gender, d$disposal, d$risk, sep = " / ")
population$cell <- cell_of(population)
cases <- merge(results, population[, c("case_id", "gender", "disposal", "risk", "cell")],
               by = "case_id")
stopifnot(nrow(cases) == nrow(results))
cases$N_h <- as.numeric(table(population$cell)[cases$cell])

rows <- list()
estimate_rows <- function(design_name, design, data, questions) {
  for (kq in questions) {
    data$y <- yes_no(data[[kq]])
    answered <- !is.na(data$y)
    d <- update(design, y = data$y, answered = answered)
    sub <- subset(d, answered)
    m <- svymean(~y, sub)
    ci <- attr(svyciprop(~y, sub, method = "logit", level = 0.8, df = Inf), "ci")
    rows[[length(rows) + 1]] <<- data.frame(
      design = design_name, key_question = kq, n = sum(answered),
      population = sprintf("%.17g", sum(weights(d)[answered])),
      estimate = sprintf("%.17g", coef(m)[[1]]), se = sprintf("%.17g", SE(m)[[1]]),
      low = sprintf("%.17g", ci[[1]]), high = sprintf("%.17g", ci[[2]])
    )
  }
}

questions <- grep("^[0-9]+\\.[0-9]+\\.[0-9]+$", names(results), value = TRUE)

by_allocation <- svydesign(ids = ~1, strata = ~cell, fpc = ~N_h, data = cases)
estimate_rows("example_allocation", by_allocation, cases, questions)
cases$pi <- 100 / 250
self_weighting <- svydesign(ids = ~1, strata = ~cell, fpc = ~N_h, probs = ~pi, data = cases)
estimate_rows("example_self_weighting", self_weighting, cases, questions)

# A disproportionate design with no random numbers: stratum h has N_h cases of which n_h are
# sampled; case i of stratum h answers yes when (37 i + 11 h) mod 100 is below 100 rate_h; a
# quarter of the cases of strata A and B (every fourth) have no answer to "q_sub".
strata <- data.frame(h = c("A", "B", "C", "D"), N = c(120, 60, 20, 5), n = c(12, 15, 10, 1),
                     rate = c(0.7, 0.5, 0.3, 0.9))
design_data <- do.call(rbind, lapply(seq_len(nrow(strata)), function(k) {
  s <- strata[k, ]
  i <- seq_len(s$n)
  yes <- as.integer(((37 * i + 11 * k) %% 100) < 100 * s$rate)
  data.frame(case = paste0(s$h, i), stratum = s$h, N = s$N, q_all = yes,
             q_sub = ifelse(s$h %in% c("A", "B") & i %% 4 == 0, NA, yes))
}))
write.csv(design_data, design_file, row.names = FALSE, na = "")
design_data$q_all <- ifelse(design_data$q_all == 1, "Yes", "No")
design_data$q_sub <- ifelse(is.na(design_data$q_sub), "",
                            ifelse(design_data$q_sub == 1, "Yes", "No"))
disproportionate <- svydesign(ids = ~1, strata = ~stratum, fpc = ~N, data = design_data)
estimate_rows("disproportionate", disproportionate, design_data, c("q_all", "q_sub"))

header <- c(
  sprintf("# %s; survey %s; written %s by tests/r/findings_references.R (make r-references)",
          R.version.string, packageVersion("survey"), format(Sys.Date())),
  "# svymean and svyciprop(method = 'logit', level = 0.8, df = Inf); survey.lonely.psu = 'adjust'"
)
writeLines(header, out_file)
suppressWarnings(write.table(do.call(rbind, rows), out_file, sep = ",", row.names = FALSE,
                             append = TRUE, qmethod = "double"))
cat("wrote", out_file, "and", design_file, "\n")
