public enum EvalmockVersion {
    public static let current = "0.1.0"
}
