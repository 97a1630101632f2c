// placeholder during first build
