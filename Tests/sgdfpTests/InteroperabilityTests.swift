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
            assert list(ds["density"].dims) == ["time", "theta1", "theta2", "v1", "v2"], ds["density"].dims
            assert ds.sizes["theta1"] == 24 and ds.sizes["time"] == 2, dict(ds.sizes)
            assert not any(d.startswith("phony") for d in ds.dims), list(ds.dims)
            for pair in ["theta1_theta2", "theta1_v1", "theta1_v2", "theta2_v1", "theta2_v2", "v1_v2"]:
                assert "density_" + pair in ds and "exact_density_" + pair in ds, pair
            assert list(ds["covariance"].dims) == ["time", "component", "component_b"]
            dv = np.prod([float(ds[a][1] - ds[a][0]) for a in ["theta1", "theta2", "v1", "v2"]])
            assert abs(float(ds["density"].isel(time=-1).sum()) * dv - float(ds["mass"][-1])) < 1e-12
            with h5py.File(sys.argv[1], "r") as f:
                np.testing.assert_array_equal(f["theta1"][:], ds["theta1"].values)
                np.testing.assert_array_equal(f["density"][-1], ds["density"].isel(time=-1).values)
                assert f.attrs["Conventions"] in (b"CF-1.10", "CF-1.10")
            for v in ds.variables.values():
                assert "units" in v.attrs and "long_name" in v.attrs, v.name
            print("ok")
            """
        let python = ProcessInfo.processInfo.environment["SGDFP_PYTHON"]!
        let check = Process()
        check.executableURL = URL(fileURLWithPath: python)
        check.arguments = ["-c", script, dir.appendingPathComponent("run.h5").path]
        let err = Pipe()
        check.standardError = err
        try check.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "\(message)")

        let dump = Process()
        dump.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        dump.arguments = ["h5dump", "-H", dir.appendingPathComponent("run.h5").path]
        dump.standardOutput = Pipe()
        try dump.run()
        dump.waitUntilExit()
        #expect(dump.terminationStatus == 0)
    }
}
