/// The run files of notebooks-data/, built into the tool (Sources/Studies/RunFiles links to them), so that
/// the benchmarks and a `solve` of the file run the same problem from one source.
public enum RunFiles {
    public static var kramers: String { text(PackageResources.kramers_2d_toml) }
    public static var p1: String { text(PackageResources.P1_toml) }
    public static var p3: String { text(PackageResources.P3_toml) }
    public static var p4: String { text(PackageResources.P4_toml) }
    public static var m1: String { text(PackageResources.M1_toml) }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
