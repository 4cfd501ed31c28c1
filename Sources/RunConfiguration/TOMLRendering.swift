extension RunConfiguration {
    /// The whole configuration as canonical TOML: every section and key in file order, with the values in force.
    /// Optional keys that are absent appear as comments. `parse(toml:)` of this text gives back an equal
    /// configuration; output files store it so that a run can be repeated.
    public func renderTOML() -> String {
        var lines = ["# sgdfp run configuration: every key with the value in force; absent optional keys are comments."]

        func section(_ name: String) {
            lines.append("")
            lines.append("[\(name)]")
        }
        func put(_ key: String, _ value: ConfigValue) {
            lines.append("\(key) = \(value.tomlText)")
        }
        func absent(_ key: String, _ meaning: String) {
            lines.append("# \(key) is absent: \(meaning)")
        }

        section("sgd")
        put("learning_rate", .float(sgd.learningRate))
        put("momentum", .float(sgd.momentum))
        put("batch_size", .integer(sgd.batchSize))
        put("weight_decay", .float(sgd.weightDecay))
        if let n = sgd.datasetSize { put("dataset_size", .integer(n)) } else { absent("dataset_size", "batches are drawn with replacement") }

        section("loss")
        put("hessian", matrixValue(loss.hessian))
        put("minimum", vectorValue(loss.minimum))

        section("noise")
        put("model", .string(noise.model.rawValue))
        put("scale", .float(noise.scale))
        if let m = noise.matrix { put("matrix", matrixValue(m)) } else { absent("matrix", "no explicit noise covariance") }
        put("label_noise", .float(noise.labelNoise))

        section("initial")
        put("kind", .string(initial.kind.rawValue))
        put("mean", vectorValue(initial.mean))
        put("covariance", matrixValue(initial.covariance))
        if let w = initial.weights { put("weights", vectorValue(w)) } else { absent("weights", "equal mixture weights") }
        if let m = initial.means { put("means", .array(m.map(vectorValue))) } else { absent("means", "no mixture components") }
        if let c = initial.covariances {
            put("covariances", .array(c.map(matrixValue)))
        } else {
            absent("covariances", "mixture components use covariance")
        }
        if let f = initial.file { put("file", .string(f)) } else { absent("file", "no earlier output to continue from") }
        put("model_change", .boolean(initial.allowModelChange))

        section("grid")
        if let p = grid.points { put("points", p.count == 1 ? .integer(p[0]) : .array(p.map { .integer($0) })) } else {
            absent("points", "\(GridSection.defaultPoints) per axis; in the adapted frame enough to draw the narrowest law of the run")
        }
        switch grid.box {
        case .auto: put("box", .string("auto"))
        case .halfWidths(let w): put("box", vectorValue(w))
        }
        put("threads", .integer(grid.threads))
        switch grid.wisdom {
        case .defaultLocation: put("wisdom", .string(""))
        case .disabled: put("wisdom", .string("none"))
        case .file(let path): put("wisdom", .string(path))
        }
        put("frame", .string(grid.frame.rawValue))
        if let p = grid.framePoints { put("frame_points", .integer(p)) } else { absent("frame_points", "chosen from the start") }
        put("frame_box", .float(grid.frameBox))

        section("time")
        put("stop", .float(time.stop))
        put("output_every", .float(time.outputEvery))
        put("tolerance", .float(time.tolerance))
        put("scheme", .string(time.scheme))
        if let s = time.step { put("step", .float(s)) } else { absent("step", "adaptive steps (or the scheme's default)") }
        put("max_steps", .integer(time.maxSteps))
        put("max_work", .float(time.maxWork))

        section("output")
        put("path", .string(output.path))
        switch output.fullDensity {
        case .auto: put("full_density", .string("auto"))
        case .on: put("full_density", .boolean(true))
        case .off: put("full_density", .boolean(false))
        }
        switch output.exactDensity {
        case .auto: put("exact_density", .string("auto"))
        case .on: put("exact_density", .boolean(true))
        case .off: put("exact_density", .boolean(false))
        }
        put("keep_inaccurate", .boolean(output.keepInaccurate))
        put("compression", .integer(output.compression))
        return lines.joined(separator: "\n") + "\n"
    }
}

private func vectorValue(_ v: [Double]) -> ConfigValue {
    .array(v.map { .float($0) })
}

private func matrixValue(_ m: [[Double]]) -> ConfigValue {
    .array(m.map(vectorValue))
}
