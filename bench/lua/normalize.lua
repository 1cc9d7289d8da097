-- Posts raw titles as text/plain to /normalize, cycling through a list of messy titles.
local titles = {
  "Sr. RN - ICU nights", "software engineer", "Senior Java Dev (Remote) $150k", "truck driver CDL-A, Dallas TX",
  "registerd nurse", "Asst Store Mgr", "data scientst II", "LPN - Night Shift - Req #4471", "VP of Sales",
  "Certified Nursing Assistant (CNA) PRN", "Line Cook - weekends", "warehouse associate 2nd shift $18/hr",
  "Accountant, Chicago IL", "Elementary School Teacher", "electrician apprentice", "Plumber - sign-on bonus!",
  "Customer Service Rep (Remote)", "Executive Admin Asst", "Pharmacist - PRN", "Dental Hygienist",
  "Forklift Operator 3rd Shift", "HR Generalist", "Restaurant Mgr (Hybrid)", "Sr. Accountant - Hybrid",
  "Mechanical Engineer II", "Project Manager - Construction", "Medical Assistant", "Security Guard nights",
  "Welder / Fabricator", "Physical Therapist", "Graphic Designer (contract)", "Network Administrator" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/titles/versions/latest/normalize", { ["Content-Type"] = "text/plain" },
    titles[(i % #titles) + 1])
end
