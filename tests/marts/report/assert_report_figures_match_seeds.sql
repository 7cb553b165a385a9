-- The catalogue and the seeds agree: per report seed, the figures counted straight from the seed (rows with a number
-- in their figure columns) equal the catalogue's rows, and every catalogue key is a seed row's key — no figure lost,
-- none invented. Counted from the seeds themselves, not from the models that build the catalogue.
with seed_figures as (
    select
        'report_headline_figures' as source_seed,
        headline_figure_key as source_key
    from {{ ref('report_headline_figures') }}
    where value is not null
    union all
    select
        'report_market_figures' as source_seed,
        market_figure_key as source_key
    from {{ ref('report_market_figures') }}
    where value is not null
    union all
    select
        'report_global_city_cases' as source_seed,
        case_metric_key as source_key
    from {{ ref('report_global_city_cases') }}
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'report_pilot_programs' as source_seed,
        program_key as source_key
    from {{ ref('report_pilot_programs') }}
    where designation_count is not null
    union all
    select
        'report_city_campaigns' as source_seed,
        campaign_metric_key as source_key
    from {{ ref('report_city_campaigns') }}
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'report_survey_findings' as source_seed,
        finding_key as source_key
    from {{ ref('report_survey_findings') }}
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'report_talent_context_figures' as source_seed,
        context_figure_key as source_key
    from {{ ref('report_talent_context_figures') }}
    where value is not null or value_low is not null or value_high is not null
    union all
    select
        'report_generations' as source_seed,
        generation_key as source_key
    from {{ ref('report_generations') }}
    where age_low is not null or age_high is not null
    union all
    select
        'report_young_founders' as source_seed,
        founder_key as source_key
    from {{ ref('report_young_founders') }}
    where founding_age is not null
),

catalogue as (
    select
        source_seed,
        source_key
    from {{ ref('fct_report_figures') }}
)

select
    coalesce(seed_figures.source_seed, catalogue.source_seed) as source_seed,
    coalesce(seed_figures.source_key, catalogue.source_key) as source_key,
    case
        when catalogue.source_key is null then 'lost: in the seed, not in the catalogue'
        else 'invented: in the catalogue, not in the seed'
    end as problem
from seed_figures
full outer join catalogue
    on
        seed_figures.source_seed = catalogue.source_seed
        and seed_figures.source_key = catalogue.source_key
where seed_figures.source_key is null or catalogue.source_key is null
