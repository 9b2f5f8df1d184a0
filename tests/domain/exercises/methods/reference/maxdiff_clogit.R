# Reference maximum-likelihood figures for okrank's maxdiff logit, from R's survival::clogit.
#
# Maxdiff pair expansion (Louviere, Flynn & Marley 2015; support.BWS's "maxdiff" model): each
# answer (set S, best b, worst w) becomes one stratum with one row per ordered pair (k, l), k != l,
# of S; the row's regressors are +1 for item k and -1 for item l, and the row (b, w) is chosen.
# The last item is the base (its utility is 0). Output: one CSV per data set with each item's
# utility, its standard error (reference-coded, as clogit reports it) and the log-likelihood,
# and one with the counts and the closed-form figures (<name>-closed-form.csv).
#
# Run (Debian packages r-base-core and r-cran-survival):
#   Rscript maxdiff_clogit.R <folder with the survey CSVs> <output folder>
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
data_dir <- args[1]
out_dir <- args[2]

# Lipovetsky & Conklin's closed form exactly as bwsTools::ae_mnl computes it (no correction;
# items at 0 or n would be infinite, none is in these data sets).
closed_form <- function(answers, items, name) {
  n <- length(items)
  shown <- tabulate(unlist(answers$shown), n)
  best <- tabulate(answers$best, n)
  worst <- tabulate(answers$worst, n)
  p <- (shown - worst + best) / (2 * shown)
  b <- log(p / (1 - p))
  se <- sqrt(p * (1 - p) / (2 * shown)) / (p * (1 - p))
  out <- data.frame(item = items, shown = shown, best = best, worst = worst, b = b, se = se,
                    choice_p = exp(b) / sum(exp(b)))
  write.csv(format(out, digits = 15), file.path(out_dir, paste0(name, "-closed-form.csv")),
            row.names = FALSE, quote = FALSE)
}

fit <- function(answers, items, name) {
  closed_form(answers, items, name)
  # answers: data.frame(respondent, set, shown (list of item indices 1..n), best, worst)
  n <- length(items)
  rows <- list()
  for (a in seq_len(nrow(answers))) {
    s <- answers$shown[[a]]
    for (k in s) for (l in s) if (k != l) {
      x <- numeric(n)
      x[k] <- 1
      x[l] <- -1
      rows[[length(rows) + 1]] <- c(stratum = a, chosen = as.numeric(k == answers$best[a] &&
        l == answers$worst[a]), x)
    }
  }
  d <- as.data.frame(do.call(rbind, rows))
  names(d) <- c("stratum", "chosen", paste0("x", seq_len(n)))
  f <- as.formula(paste("chosen ~", paste(paste0("x", seq_len(n - 1)), collapse = " + "),
                        "+ strata(stratum)"))
  m <- clogit(f, data = d, control = coxph.control(eps = 1e-10, iter.max = 100))
  out <- data.frame(
    item = items,
    utility = c(unname(coef(m)), 0),
    standard_error = c(unname(sqrt(diag(vcov(m)))), 0),
    log_likelihood = m$loglik[2]
  )
  write.csv(format(out, digits = 15), file.path(out_dir, paste0(name, ".csv")),
            row.names = FALSE, quote = FALSE)
}

# bwsTools vdata: long format, one row per item shown.
v <- read.csv(file.path(data_dir, "issues-survey-vdata.csv"))
items <- sort(unique(v$issue))
key <- paste(v$id, v$block)
answers <- do.call(rbind, lapply(split(v, factor(key, levels = unique(key))), function(g) {
  data.frame(respondent = g$id[1], set = g$block[1],
             shown = I(list(match(g$issue, items))),
             best = match(g$issue[g$value == 1], items),
             worst = match(g$issue[g$value == -1], items))
}))
fit(answers, items, "vdata")
fit(answers[answers$respondent %in% unique(answers$respondent)[1:5], ], items, "vdata-5")

# support.BWS fruit: design rows and best/worst positions per respondent.
design <- read.csv(file.path(data_dir, "fruit-design.csv"))
responses <- read.csv(file.path(data_dir, "fruit-responses.csv"))
fruit <- c("Apple", "Orange", "Grapes", "Banana", "Peach", "Melon", "Pear")
answers <- do.call(rbind, lapply(seq_len(nrow(responses)), function(r) {
  do.call(rbind, lapply(seq_len(nrow(design)), function(q) {
    s <- as.integer(design[q, ])
    data.frame(respondent = responses$ID[r], set = q, shown = I(list(s)),
               best = s[responses[r, paste0("B", q)]], worst = s[responses[r, paste0("W", q)]])
  }))
}))
fit(answers, fruit, "fruit")
fit(answers[answers$respondent %in% unique(answers$respondent)[1:5], ], fruit, "fruit-5")
