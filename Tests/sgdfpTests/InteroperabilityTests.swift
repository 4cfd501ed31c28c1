import Foundation
import Testing

/// A file written by `sgdfp solve` opens in xarray (h5netcdf engine) and h5py with its coordinates, and h5dump reads it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SGDFP_PYTHON"] != nil, "set SGDFP_PYTHON (make test does)"))
struct SolveOutputInteroperabilityTests {
    @Test func xarrayH5pyAndH5dumpReadASolveOutput() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["solve", "--points", "32", "--stop", "0.5", "--quiet", "--planning", "estimate", "-o", "run.h5",
                                     "--set", "loss.hessian=[[1.0, 0.2], [0.2, 0.5]]", "--set", "grid.points=24",
                                     "--set", "initial.mean=[0.3, 0.2, 0.0, 0.0]", "--set", "initial.covariance=[0.4, 0.4, 2.0, 2.0]"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let script = """
            import sys, numpy as np, xarray as xr, h5py
            ds = xr.open_dataset(sys.argv[1], engine="h5netcdf")
            assert list(ds["density"].dims) == ["t", "theta1", "theta2", "v1", "v2"], ds["density"].dims
            assert ds.sizes["theta1"] == 24 and ds.sizes["t"] == 2, dict(ds.sizes)
            assert not any(d.startswith("phony") for d in ds.dims), list(ds.dims)
            for pair in ["theta1_theta2", "theta1_v1", "theta1_v2", "theta2_v1", "theta2_v2", "v1_v2"]:
                assert "density_" + pair in ds and "exact_density_" + pair in ds, pair
            assert list(ds["covariance"].dims) == ["t", "component", "component_b"]
            dv = np.prod([float(ds[a][1] - ds[a][0]) for a in ["theta1", "theta2", "v1", "v2"]])
            assert abs(float(ds["density"].isel(t=-1).sum()) * dv - float(ds["mass"][-1])) < 1e-12
            with h5py.File(sys.argv[1], "r") as f:
                np.testing.assert_array_equal(f["theta1"][:], ds["theta1"].values)
                np.testing.assert_array_equal(f["density"][-1], ds["density"].isel(t=-1).values)
                assert f.attrs["Conventions"] in (b"CF-1.10", "CF-1.10")
            for v in ds.variables.values():
                assert "units" in v.attrs and "long_name" in v.attrs, v.name
            print("ok")
            """
        let (status, message) = try SGDFPBinary.python(["-c", script, dir.appendingPathComponent("run.h5").path])
        #expect(status == 0, "\(message)")

        let dump = Process()
        dump.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        dump.arguments = ["h5dump", "-H", dir.appendingPathComponent("run.h5").path]
        dump.standardOutput = Pipe()
        try dump.run()
        dump.waitUntilExit()
        #expect(dump.terminationStatus == 0)
    }

    /// Runs a python script on `files` (paths in `dir`); returns stderr on failure.
    static func python(_ script: String, _ files: [String], in dir: URL) throws -> (Int32, String) {
        try SGDFPBinary.python(["-c", script] + files.map { dir.appendingPathComponent($0).path })
    }

    @Test func xarrayReadsTheAnalysisVariablesWithTheirCoordinates() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p4 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P4.toml").path
        for arguments in [["stationary", "-o", "s1.h5", "-q"],
                          ["stationary", p4, "--points", "16", "--residual", "1e-3", "-o", "s2.h5", "-q"],
                          ["solve", "--points", "48", "--stop", "1", "-o", "run.h5", "-q"],
                          ["analyze", "run.h5", "-q"],
                          ["validate", p4, "-o", "v.h5", "-q"]] {
            let r = try SGDFPBinary.run(arguments, in: dir)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        let script = """
            import sys, json, numpy as np, xarray as xr
            def check(path, expected):
                for engine in ["h5netcdf", "netcdf4"]:
                    ds = xr.open_dataset(path, engine=engine)
                    assert not any(d.startswith("phony") for d in ds.dims), (path, list(ds.dims))
                    for name, dims in expected.items():
                        assert name in ds, (path, name)
                        assert list(ds[name].dims) == dims, (path, name, ds[name].dims)
                        for d in dims:
                            assert d in ds.coords, (path, name, d)
                    for v in ds.variables.values():
                        assert "units" in v.attrs and "long_name" in v.attrs, (path, v.name)
                    # The masked potential reads as NaN outside the mask, finite inside.
                    phi = ds["modified_loss_theta"].values
                    assert np.isnan(phi).any() and np.isfinite(phi).any(), path
                    ds.close()
            one = {"stationary_density": ["theta", "v"], "exact_stationary_density": ["theta", "v"], "modified_loss": ["theta", "v"],
                   "modified_loss_theta": ["theta"], "modified_loss_psi": ["theta", "v"], "training_loss": ["theta", "v"],
                   "current_theta": ["theta", "v"], "current_v": ["theta", "v"], "current_irreversible_v": ["theta", "v"],
                   "current_reversible_v": ["theta", "v"], "current_divergence": ["theta", "v"],
                   "fitted_precision": ["component", "component_b"], "exact_precision": ["component", "component_b"],
                   "fitted_theta_precision": ["parameter", "parameter_b"], "exact_circulation": ["component", "component_b"]}
            two = {"stationary_density_theta1_v1": ["theta1", "v1"], "exact_stationary_density_v1_v2": ["v1", "v2"],
                   "modified_loss_theta": ["theta1", "theta2"], "training_loss_theta": ["theta1", "theta2"],
                   "marginal_current_theta1_v1_theta1": ["theta1", "v1"], "marginal_current_theta1_theta2_theta2": ["theta1", "theta2"],
                   "current_first_moment": ["component", "component_b"], "exact_theta_precision": ["parameter", "parameter_b"]}
            check(sys.argv[1], one)
            check(sys.argv[2], two)
            analysed = dict(one)
            for k in ["stationary_density", "exact_stationary_density", "exact_precision", "exact_circulation"]:
                analysed.pop(k)
            analysed["density"] = ["t", "theta", "v"]
            check(sys.argv[3], analysed)
            check(sys.argv[4], two)
            ds = xr.open_dataset(sys.argv[4], engine="h5netcdf")
            report = json.loads(ds.attrs["validation_report"])
            assert report["allAgree"] and ds.attrs["validation_detailed_balance"] == "does not hold", report
            print("ok")
            """
        let (status, message) = try Self.python(script, ["s1.h5", "s2.h5", "run.h5", "v.h5"], in: dir)
        #expect(status == 0, "\(message)")
        for file in ["s1.h5", "run.h5"] {
            let dump = Process()
            dump.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            dump.arguments = ["ncdump", "-h", dir.appendingPathComponent(file).path]
            dump.standardOutput = Pipe()
            dump.standardError = Pipe()
            try dump.run()
            dump.waitUntilExit()
            #expect(dump.terminationStatus == 0, "ncdump -h \(file)")
        }
    }

    @Test("A solve output of an earlier version, whose record coordinate is named time, is still inspected, analysed and continued")
    func filesWithTheLegacyTimeCoordinateStillRead() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(try SGDFPBinary.run(["solve", "--points", "48", "--stop", "0.5", "-q", "-o", "old.h5", "--set", "grid.frame=\"fixed\""], in: dir).status == 0)
        // Moving the dimension scale renames the dimension for netCDF and keeps every variable attached to it.
        let rename = "import h5py, sys\nwith h5py.File(sys.argv[1], 'a') as f:\n    f.move('t', 'time')\n"
        let (status, message) = try Self.python(rename, ["old.h5"], in: dir)
        try #require(status == 0, "\(message)")
        #expect(try SGDFPBinary.runShell("ncdump -h old.h5 | grep -q 'time = UNLIMITED'", in: dir).status == 0)
        let inspect = try SGDFPBinary.run(["inspect", "old.h5"], in: dir)
        #expect(inspect.status == 0 && inspect.stdout.contains("2 frames"), "\(inspect.stdout) \(inspect.stderr)")
        let analyze = try SGDFPBinary.run(["analyze", "old.h5", "-q", "-o", "old.an.h5"], in: dir)
        #expect(analyze.status == 0, "\(analyze.stderr)")
        let continued = try SGDFPBinary.run(["solve", "-q", "-o", "next.h5", "--set", "grid.frame=\"fixed\"", "--set", "initial.kind=\"file\"",
                                             "--set", "initial.file=\"old.h5\"", "--set", "time.stop=1"], in: dir)
        #expect(continued.status == 0, "\(continued.stderr)")
    }

    @Test("Every output kind converts to netCDF classic (nccopy -k nc7 and nc3) with its variables and root attributes, and passes the IOOS compliance checker's CF 1.10 suite")
    func everyOutputKindConvertsToNetCDFClassicAndPassesTheCFChecker() throws {
        let checker = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["SGDFP_PYTHON"])).deletingLastPathComponent()
            .appendingPathComponent("compliance-checker").path
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p1 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P1.toml").path
        let runs: [[String]] = [["solve", "--points", "48", "--stop", "0.5", "-o", "solve.h5"], ["analyze", "solve.h5", "-o", "analysed.h5"],
                                ["stationary", "--points", "48", "-o", "stationary.h5"], ["validate", "-o", "validate.h5"],
                                ["simulate", "--chains", "10", "--steps", "200", "-o", "simulate.h5"], ["diffusion", "-o", "diffusion.h5"],
                                ["diffusion", p1, "--fdt", "--replicas", "-o", "fluctuations.h5"], ["modified-flow", "-o", "modified-flow.h5"]]
        for arguments in runs {
            let r = try SGDFPBinary.run(arguments + ["-q"], in: dir)
            try #require(r.status == 0, "\(arguments): \(r.stderr)")
            let file = arguments[arguments.count - 1]
            let header = try SGDFPBinary.runShell("ncdump -h \(file) | grep -v '^netcdf '", in: dir)
            for kind in ["nc7", "nc3"] {
                let copy = try SGDFPBinary.runShell("nccopy -k \(kind) \(file) copy.nc && ncdump -h copy.nc | grep -v '^netcdf '", in: dir)
                #expect(copy.status == 0, "\(file) as \(kind): \(copy.stderr)")
                // The same variables and attributes, whatever the integer and string types became.
                func names(_ text: String) -> [String] {
                    text.split(separator: "\n").compactMap { line in
                        line.firstMatch(of: /^\t(?:\w+ )?(\w+)\(|^\t\t(\w*:\w+) =|^\t\t(:\w+) =/).map { String($0.1 ?? $0.2 ?? $0.3 ?? "") }
                    }.sorted()
                }
                #expect(names(header.stdout).count > 10 && names(copy.stdout) == names(header.stdout), "\(file) as \(kind)")
            }
            // The checker knows files by their extension.
            let cf = try SGDFPBinary.runShell("cp \(file) checked.nc && '\(checker)' --test cf:1.10 checked.nc", in: dir)
            #expect(cf.status == 0 && cf.stdout.contains("All tests passed!"), "\(file): \(cf.stdout.suffix(3000)) \(cf.stderr)")
        }
    }
}
