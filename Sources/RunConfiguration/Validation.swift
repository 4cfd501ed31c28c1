extension RunConfiguration {
    /// Checks shapes against the dimension d (the Hessian's rows) and ranges, and returns the configuration
    /// unchanged. Entries that the chosen noise model or initial kind does not use are not checked.
    /// Physics (H and Σ symmetric positive semi-definite, stability of the discrete iteration) is left to the model.
    public func validated() throws(RunConfigurationError) -> RunConfiguration {
        try ConfigurationValidator(config: self).check()
        return self
    }
}

private struct ConfigurationValidator {
    let config: RunConfiguration

    var d: Int { config.parameterDimension }

    /// "θ, v" for d = 1, "θ₁, θ₂, v₁, v₂" for d = 2.
    var axisNames: String {
        if d == 1 { return "θ, v" }
        let subscripts = ["₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
        let sub = (0..<d).map { $0 < subscripts.count ? subscripts[$0] : "_\($0 + 1)" }
        return (sub.map { "θ\($0)" } + sub.map { "v\($0)" }).joined(separator: ", ")
    }

    func check() throws(RunConfigurationError) {
        try checkLoss()
        try checkSGD()
        try checkNoise()
        try checkInitial()
        try checkGrid()
        try checkTime()
        try checkOutput()
    }

    // MARK: sections

    func checkLoss() throws(RunConfigurationError) {
        let h = config.loss.hessian
        guard !h.isEmpty else {
            throw RunConfigurationError(.wrongShape, key: "loss.hessian", "[loss] hessian must have at least one row, such as [[1.0]].")
        }
        if let row = h.firstIndex(where: { $0.count != h.count }) {
            throw RunConfigurationError(
                .wrongShape, key: "loss.hessian",
                "[loss] hessian must be square (\(h.count)×\(h.count), one row per parameter), but row \(row + 1) has \(h[row].count) entries.")
        }
        guard RunConfiguration.supportedParameterDimensions.contains(d) else {
            throw RunConfigurationError(
                .wrongShape, key: "loss.hessian",
                "[loss] hessian is \(d)×\(d) but sgdfp handles d = 1 or 2 parameters; give a 1×1 or 2×2 Hessian.")
        }
        try finite("loss", "hessian", h.flatMap { $0 })
        try vectorShape("loss", "minimum", config.loss.minimum, count: d, what: "one per parameter")
        try finite("loss", "minimum", config.loss.minimum)
    }

    func checkSGD() throws(RunConfigurationError) {
        let s = config.sgd
        try require(s.learningRate.isFinite && s.learningRate > 0, "sgd", "learning_rate", tomlNumber(s.learningRate))
        try require(s.momentum.isFinite && s.momentum >= 0 && s.momentum < 1, "sgd", "momentum", tomlNumber(s.momentum))
        try require(s.batchSize >= 1, "sgd", "batch_size", String(s.batchSize))
        try require(s.weightDecay.isFinite && s.weightDecay >= 0, "sgd", "weight_decay", tomlNumber(s.weightDecay))
        if let n = s.datasetSize {
            try require(n >= 2, "sgd", "dataset_size", String(n))
            guard n >= s.batchSize else {
                throw RunConfigurationError(
                    .invalidValue, key: "sgd.dataset_size",
                    "[sgd] dataset_size must be at least batch_size (\(s.batchSize)), got \(n).")
            }
        }
    }

    func checkNoise() throws(RunConfigurationError) {
        let n = config.noise
        switch n.model {
        case .hessian, .isotropic:
            try require(n.scale.isFinite && n.scale >= 0, "noise", "scale", tomlNumber(n.scale))
        case .lossHessian:
            try require(n.labelNoise.isFinite && n.labelNoise >= 0, "noise", "label_noise", tomlNumber(n.labelNoise))
        case .matrix:
            guard let m = n.matrix else {
                throw RunConfigurationError(
                    .missingCompanion, key: "noise.matrix",
                    "[noise] model = \"matrix\" needs the covariance itself: add matrix = \(example(rows: d)) (a \(d)×\(d) matrix) to [noise].")
            }
            try matrixShape("noise", "matrix", m, size: d, why: "d×d with d = \(d) from the Hessian")
            try finite("noise", "matrix", m.flatMap { $0 })
        }
    }

    func checkInitial() throws(RunConfigurationError) {
        let s = config.initial
        switch s.kind {
        case .gaussian:
            try gaussian(mean: s.mean, meanKey: "mean", covariance: s.covariance, covarianceKey: "covariance")
        case .file:
            guard let file = s.file, !file.isEmpty else {
                throw RunConfigurationError(
                    .missingCompanion, key: "initial.file",
                    "[initial] kind = \"file\" needs the path of an earlier output: add file = \"run.h5\" to [initial].")
            }
        case .mixture:
            guard let means = s.means, !means.isEmpty else {
                throw RunConfigurationError(
                    .missingCompanion, key: "initial.means",
                    "[initial] kind = \"mixture\" needs the component means: add means = [\(example(length: 2 * d)), ...] (one list of \(2 * d) numbers per component) to [initial].")
            }
            if let weights = s.weights {
                guard weights.count == means.count else {
                    throw RunConfigurationError(
                        .wrongShape, key: "initial.weights",
                        "[initial] weights must have one entry per component (\(means.count) means are given), got \(weights.count).")
                }
                let valid = weights.allSatisfy { $0.isFinite && $0 >= 0 } && weights.reduce(0, +) > 0
                try require(valid, "initial", "weights", ConfigValue.array(weights.map { .float($0) }).tomlText)
            }
            if let covariances = s.covariances {
                guard covariances.count == means.count else {
                    throw RunConfigurationError(
                        .wrongShape, key: "initial.covariances",
                        "[initial] covariances must have one matrix per component (\(means.count) means are given), got \(covariances.count).")
                }
            }
            for (i, mean) in means.enumerated() {
                let covariance = s.covariances?[i] ?? s.covariance
                let covarianceKey = s.covariances == nil ? "covariance" : "covariances entry \(i + 1)"
                try gaussian(mean: mean, meanKey: "means entry \(i + 1)", covariance: covariance, covarianceKey: covarianceKey)
            }
        }
    }

    func checkGrid() throws(RunConfigurationError) {
        let g = config.grid
        let n = 2 * d
        let points = g.points ?? [GridSection.defaultPoints]
        guard points.count == 1 || points.count == n else {
            throw RunConfigurationError(
                .wrongShape, key: "grid.points",
                "[grid] points must be one integer or a list of \(n) integers (one per axis \(axisNames)), got \(points.count) entries.")
        }
        for p in points {
            try require(p >= 2, "grid", "points", String(p))
        }
        if case .halfWidths(let widths) = g.box {
            try vectorShape("grid", "box", widths, count: n, what: "one half-width per axis \(axisNames)")
            for w in widths {
                try require(w.isFinite && w > 0, "grid", "box", tomlNumber(w))
            }
        }
        try require(g.threads >= 1, "grid", "threads", String(g.threads))
        if let p = g.framePoints { try require(p >= 8 && p % 2 == 0 && p <= 1024, "grid", "frame_points", String(p)) }
        try require(g.frameBox.isFinite && g.frameBox >= 3 && g.frameBox <= 40, "grid", "frame_box", tomlNumber(g.frameBox))
    }

    func checkTime() throws(RunConfigurationError) {
        let t = config.time
        try require(t.stop.isFinite && t.stop > 0, "time", "stop", tomlNumber(t.stop))
        try require(t.outputEvery.isFinite && t.outputEvery > 0, "time", "output_every", tomlNumber(t.outputEvery))
        try require(t.tolerance.isFinite && t.tolerance > 0, "time", "tolerance", tomlNumber(t.tolerance))
        try require(t.maxSteps >= 1, "time", "max_steps", "\(t.maxSteps)")
        try require(t.maxWork.isFinite && t.maxWork > 0, "time", "max_work", tomlNumber(t.maxWork))
        try require(!t.scheme.isEmpty, "time", "scheme", "\"\"")
        if let step = t.step {
            try require(step.isFinite && step > 0, "time", "step", tomlNumber(step))
        }
    }

    func checkOutput() throws(RunConfigurationError) {
        try require(!config.output.path.isEmpty, "output", "path", "\"\"")
        try require((0...9).contains(config.output.compression), "output", "compression", String(config.output.compression))
    }

    // MARK: helpers

    /// Throws "[section] key must be <expectation>, got <shown>." unless `condition`.
    func require(_ condition: Bool, _ section: String, _ key: String, _ shown: String) throws(RunConfigurationError) {
        guard !condition else { return }
        let expectation = RunConfiguration.catalogEntry(section, key)?.expectation ?? "valid"
        throw RunConfigurationError(.invalidValue, key: "\(section).\(key)", "[\(section)] \(key) must be \(expectation), got \(shown).")
    }

    func finite(_ section: String, _ key: String, _ values: [Double]) throws(RunConfigurationError) {
        if let bad = values.first(where: { !$0.isFinite }) {
            throw RunConfigurationError(
                .invalidValue, key: "\(section).\(key.split(separator: " ").first.map(String.init) ?? key)",
                "[\(section)] \(key) must contain finite numbers only, got \(tomlNumber(bad)).")
        }
    }

    func vectorShape(_ section: String, _ key: String, _ v: [Double], count: Int, what: String) throws(RunConfigurationError) {
        guard v.count == count else {
            throw RunConfigurationError(
                .wrongShape, key: "\(section).\(key.split(separator: " ").first.map(String.init) ?? key)",
                "[\(section)] \(key) must have \(count) entries (\(what)), got \(v.count).")
        }
    }

    func matrixShape(_ section: String, _ key: String, _ m: [[Double]], size: Int, why: String) throws(RunConfigurationError) {
        guard m.count == size, m.allSatisfy({ $0.count == size }) else {
            throw RunConfigurationError(
                .wrongShape, key: "\(section).\(key.split(separator: " ").first.map(String.init) ?? key)",
                "[\(section)] \(key) must be \(size)×\(size) (\(why)), got \(shapeText(m)).")
        }
    }

    func gaussian(mean: [Double], meanKey: String, covariance: [[Double]], covarianceKey: String) throws(RunConfigurationError) {
        let n = 2 * d
        try vectorShape("initial", meanKey, mean, count: n, what: axisNames)
        try finite("initial", meanKey, mean)
        try matrixShape("initial", covarianceKey, covariance, size: n, why: "2d×2d over \(axisNames), or a list of \(n) variances")
        try finite("initial", covarianceKey, covariance.flatMap { $0 })
        let key = "initial.\(covarianceKey.split(separator: " ").first.map(String.init) ?? covarianceKey)"
        // Hand-typed symmetric matrices are exactly symmetric; allow only rounding-level differences.
        let scale = covariance.flatMap { $0 }.map(abs).max() ?? 0
        for i in 0..<n {
            for j in (i + 1)..<n where abs(covariance[i][j] - covariance[j][i]) > 1e-12 * scale {
                throw RunConfigurationError(
                    .invalidValue, key: key,
                    "[initial] \(covarianceKey) must be symmetric, but entries (\(i + 1), \(j + 1)) and (\(j + 1), \(i + 1)) differ (\(tomlNumber(covariance[i][j])) and \(tomlNumber(covariance[j][i]))).")
            }
        }
        guard isPositiveDefinite(covariance) else {
            throw RunConfigurationError(
                .invalidValue, key: key,
                "[initial] \(covarianceKey) must be positive definite (a positive variance in every direction); make its diagonal larger or its correlations smaller.")
        }
    }

    /// Cholesky factorisation succeeds exactly when a symmetric matrix is positive definite.
    func isPositiveDefinite(_ a: [[Double]]) -> Bool {
        let n = a.count
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for j in 0..<n {
            var diagonal = a[j][j]
            for k in 0..<j { diagonal -= l[j][k] * l[j][k] }
            guard diagonal > 0 else { return false }
            l[j][j] = diagonal.squareRoot()
            for i in (j + 1)..<n {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                l[i][j] = s / l[j][j]
            }
        }
        return true
    }

    func shapeText(_ m: [[Double]]) -> String {
        if m.isEmpty { return "an empty list" }
        if let first = m.first, m.allSatisfy({ $0.count == first.count }) { return "\(m.count)×\(first.count)" }
        return "rows of lengths " + m.map { String($0.count) }.joined(separator: ", ")
    }

    func example(rows: Int) -> String {
        "[" + (0..<rows).map { i in "[" + (0..<rows).map { $0 == i ? "1.0" : "0.0" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
    }

    func example(length: Int) -> String {
        "[" + Array(repeating: "0.0", count: length).joined(separator: ", ") + "]"
    }
}
