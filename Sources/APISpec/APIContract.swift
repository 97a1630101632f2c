import Foundation

/// The API contract itself, served at `/openapi.yaml` so integrators always read the version that is running.
public enum APIContract {
    public enum LoadError: Error {
        case missing
    }

    /// The bytes of `openapi.yaml` as bundled with the build. Read once at boot.
    public static func yaml() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else { throw LoadError.missing }
        return try Data(contentsOf: url)
    }
}
