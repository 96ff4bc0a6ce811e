# bake's target: contexts reach the frontend as input:<name> named contexts (frontend inputs).
# The harness sets the images: app-builtin with the daemon's own frontend, app with the frontend
# under test (BUILDKIT_SYNTAX).
target "base" {
  dockerfile = "base.Dockerfile"
}
target "app" {
  contexts = { base = "target:base" }
}
target "app-builtin" {
  contexts = { base = "target:base" }
}
