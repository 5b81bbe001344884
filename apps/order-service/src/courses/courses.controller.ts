import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CourseDto, CoursesService } from './courses.service';

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  /** Every course with price, seats total and left, and sale window. */
  @Get()
  @ApiOkResponse({ type: [CourseDto] })
  list(): Promise<CourseDto[]> {
    return this.courses.list();
  }

  @Get(':courseId')
  @ApiOkResponse({ type: CourseDto })
  @ApiNotFoundResponse()
  async get(@Param('courseId') courseId: string): Promise<CourseDto> {
    const course = await this.courses.find(courseId);
    if (!course) throw new NotFoundException(`course ${courseId} not found`);
    return course;
  }
}
