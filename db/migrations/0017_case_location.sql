-- 0017_case_location: where a case is, when the resident gives it (issue 4): typed coordinates,
-- or those of their photo when they agree to keep them (the photo itself never keeps its EXIF).
-- WGS 84 degrees; NULL when not given. Shown to the officials, and through Open311 for the
-- kinds it publishes (phản ánh, kiến nghị).
-- dialect: sqlite
ALTER TABLE cases ADD COLUMN lat REAL;
ALTER TABLE cases ADD COLUMN lon REAL;
-- dialect: postgres
ALTER TABLE cases ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE cases ADD COLUMN lon DOUBLE PRECISION;
