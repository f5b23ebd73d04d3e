"""Install mmfrhead: ``pip install -e .`` (install ``torch==2.13.0`` first)."""
import os.path as osp

from setuptools import find_packages, setup


def parse_requirements(fname):
    """Read one requirements file, following ``-r`` includes."""
    path = osp.join(osp.dirname(__file__), 'requirements', fname)
    reqs = []
    with open(path) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line:
                reqs.append(line)
    return reqs


def get_version():
    with open(osp.join('mmfrhead', 'version.py')) as f:
        namespace = {}
        exec(f.read(), namespace)
    return namespace['__version__']


setup(
    name='mmfrhead',
    version=get_version(),
    description='Feature Refinement Head (CVPR 2023) for MMAction2 GCN '
    'skeleton action recognizers',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'benchmarks')),
    include_package_data=True,
    package_data={'mmfrhead': ['datasets/meta/*.txt']},
    python_requires='>=3.8',
    install_requires=parse_requirements('runtime.txt'),
    extras_require={
        'tests': parse_requirements('tests.txt'),
        'optional': parse_requirements('optional.txt'),
    },
    zip_safe=False,
)
